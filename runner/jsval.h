/* jsval.h — the JavaScript coercions the protocol needs on JSON values: ToString (String(x) and
 * "" + x), ToNumber, ToBoolean (json_truthy), and Dates (new Date(x), Date.parse, toISOString),
 * with the reference server's engine (V8, Node 20) as the yardstick.
 *
 * On JSON values the only way a coercion can throw is an object with an own key "toString": its
 * value is never callable, so ToPrimitive finds no usable method and throws TypeError "Cannot
 * convert object to primitive value" (also when such an object sits inside an array being
 * joined). */
#ifndef HS_JSVAL_H
#define HS_JSVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "json.h"

/* The coercions that can fail return 0, or (err.h): ERR_NOMEM when the arena is out of memory;
 * ERR_TYPE for JavaScript's TypeError "Cannot convert object to primitive value"
 * (JSVAL_TYPE_ERROR_MESSAGE), from an object with an own key "toString". */

#define JSVAL_TYPE_ERROR_MESSAGE "Cannot convert object to primitive value"

/* String(v) for a JSON value (a Date gives Date.prototype.toString's text). The result is
 * arena-owned, NUL-terminated, *len bytes (WTF-8). */
int jsval_to_string(struct arena *a, const struct json_value *v, const char **out, size_t *len);

/* ToNumber(v): null 0, booleans 0/1, strings by StringToNumber, arrays and objects through their
 * string form (a Date gives its time value). */
int jsval_to_number(struct arena *a, const struct json_value *v, double *out);

/* StringToNumber of len bytes: surrounding JavaScript white space ignored, "" is 0, decimal
 * literals (with Infinity), 0x / 0o / 0b literals; NaN otherwise. s[len] must be a NUL (every
 * JSON string and every jsval_to_string result is NUL-terminated). */
double jsval_string_to_number(const char *s, size_t len);

/* String.prototype.trim on len bytes (WTF-8): the length of what is left once JavaScript white
 * space and line terminators (U+0009-U+000D, U+0020, U+00A0, U+1680, U+2000-U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000, U+FEFF) are removed from both ends; *start receives its offset
 * in s. */
size_t jsval_trim(const char *s, size_t len, size_t *start);

/* True for the code point c when JavaScript reads it as WhiteSpace or LineTerminator (what trim,
 * StringToNumber and Date.parse skip). */
bool jsval_is_space(uint32_t c);

/* `new Date(v)` for a JSON value: its time value in ms since the epoch, NaN for an invalid date. */
int jsval_date_from_value(struct arena *a, const struct json_value *v, double *ms);

/* Date.parse of len bytes (ISO 8601 as ECMAScript defines it, then V8's legacy formats such as
 * "Jan 1 2019", "2019/01/01 10:00", "Tue, 01 Jan 2019 00:00:00 GMT"). NaN when it does not parse.
 * A form without a UTC offset is read in the process's local time zone, except date-only ISO
 * forms (UTC). */
double jsval_date_parse(const char *s, size_t len);

/* Date.prototype.toISOString into out: "2019-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z".
 * Returns the length, or 0 for an invalid time value (NaN). */
#define JSVAL_ISO_MAX 32
size_t jsval_date_iso(double ms, char out[JSVAL_ISO_MAX]);

/* Date.prototype.toString into out (cap bytes, NUL-terminated when cap > 0): "Tue Jan 01 2019
 * 00:00:00 GMT+0000 (Coordinated Universal Time)" in the process's local time zone, "Invalid
 * Date" for NaN. Returns the length snprintf reports (may be >= cap). */
size_t jsval_date_string(double ms, char *out, size_t cap);

/* TimeClip: NaN beyond 8.64e15 ms, else truncated toward zero (never -0). */
double jsval_time_clip(double t);

#endif
