/* sfns_sdk.h — the one place the sfns module uses the runner's date and money calls: record
 * dates (last-modified times for the "newest" ownership rule) to instants, and the ISO 4217
 * currency table. Kept small so the module depends on those calls in one spot. */
#ifndef SFNS_SDK_H
#define SFNS_SDK_H

#include "sfns.h"

#include <stdint.h>

/* Whether the runner has the date and money calls (hook ABI 1.2); the hooks refuse to run
 * without them. */
int sfns_sdk_ready(void);

/* Reads v (a string, or a Date) as an instant. format NULL: ISO 8601 as Salesforce writes it
 * ("2024-03-05T14:03:00.000+0000"); else a date pattern such as NetSuite's "M/D/YYYY h:mm a".
 * A value without a UTC offset is wall time in tz (an IANA name; NULL: UTC). Returns 1 and sets
 * *ms when v was read, 0 when it is absent, empty or does not match. */
int sfns_time_read(hs_ctx *ctx, const hs_json *v, const char *format, const char *tz, int64_t *ms);

/* Whether tz names a time zone the runner knows (for validating a setting). */
int sfns_time_zone_known(hs_ctx *ctx, const char *tz);
/* Whether format is a date pattern the runner reads (for validating a setting). */
int sfns_time_format_valid(hs_ctx *ctx, const char *format);

/* Whether code is a current ISO 4217 currency code (three upper-case letters: "USD", "JPY"). */
int sfns_currency_known(const char *code);

#endif
