/* sdk_currency.c — ISO 4217 minor units as data, for the hook API's currency_minor_units: how
 * many decimal places an amount in a currency has (USD 2, JPY 0, BHD 3, CLF 4).
 *
 * Source: ISO 4217 List One (current currency and funds codes) as published by its maintenance
 * agency in 2025, written out by hand: every current alphabetic code with its minor unit, the
 * codes ISO lists with minor unit "N.A." (precious metals, SDR, bond-market units, testing and
 * "no currency") as -1, and codes withdrawn since 2008 that older records still carry (List
 * Three), with the minor unit they had. The list is sorted by code for a binary search; the unit
 * test checks the order and a sample of every minor unit. To update it, edit the rows: one code
 * per row, upper case. */
#include <string.h>

#include "sdk_internal.h"

struct currency {
    char code[4];
    signed char minor; /* -1: ISO gives no minor unit */
};

static const struct currency currencies[] = {
    {"AED", 2},  {"AFN", 2},  {"ALL", 2},  {"AMD", 2}, {"ANG", 2}, /* withdrawn */
    {"AOA", 2},  {"ARS", 2},  {"AUD", 2},  {"AWG", 2}, {"AZN", 2}, {"BAM", 2},
    {"BBD", 2},  {"BDT", 2},  {"BGN", 2},  {"BHD", 3}, {"BIF", 0}, {"BMD", 2},
    {"BND", 2},  {"BOB", 2},  {"BOV", 2},  {"BRL", 2}, {"BSD", 2}, {"BTN", 2},
    {"BWP", 2},  {"BYN", 2},  {"BYR", 0}, /* withdrawn */
    {"BZD", 2},  {"CAD", 2},  {"CDF", 2},  {"CHE", 2}, {"CHF", 2}, {"CHW", 2},
    {"CLF", 4},  {"CLP", 0},  {"CNY", 2},  {"COP", 2}, {"COU", 2}, {"CRC", 2},
    {"CUC", 2}, /* withdrawn */
    {"CUP", 2},  {"CVE", 2},  {"CZK", 2},  {"DJF", 0}, {"DKK", 2}, {"DOP", 2},
    {"DZD", 2},  {"EEK", 2}, /* withdrawn */
    {"EGP", 2},  {"ERN", 2},  {"ETB", 2},  {"EUR", 2}, {"FJD", 2}, {"FKP", 2},
    {"GBP", 2},  {"GEL", 2},  {"GHS", 2},  {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2},  {"GYD", 2},  {"HKD", 2},  {"HNL", 2}, {"HRK", 2}, /* withdrawn */
    {"HTG", 2},  {"HUF", 2},  {"IDR", 2},  {"ILS", 2}, {"INR", 2}, {"IQD", 3},
    {"IRR", 2},  {"ISK", 0},  {"JMD", 2},  {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2},  {"KHR", 2},  {"KMF", 0},  {"KPW", 2}, {"KRW", 0}, {"KWD", 3},
    {"KYD", 2},  {"KZT", 2},  {"LAK", 2},  {"LBP", 2}, {"LKR", 2}, {"LRD", 2},
    {"LSL", 2},  {"LTL", 2}, /* withdrawn */
    {"LVL", 2},              /* withdrawn */
    {"LYD", 3},  {"MAD", 2},  {"MDL", 2},  {"MGA", 2}, {"MKD", 2}, {"MMK", 2},
    {"MNT", 2},  {"MOP", 2},  {"MRO", 2}, /* withdrawn */
    {"MRU", 2},  {"MUR", 2},  {"MVR", 2},  {"MWK", 2}, {"MXN", 2}, {"MXV", 2},
    {"MYR", 2},  {"MZN", 2},  {"NAD", 2},  {"NGN", 2}, {"NIO", 2}, {"NOK", 2},
    {"NPR", 2},  {"NZD", 2},  {"OMR", 3},  {"PAB", 2}, {"PEN", 2}, {"PGK", 2},
    {"PHP", 2},  {"PKR", 2},  {"PLN", 2},  {"PYG", 0}, {"QAR", 2}, {"RON", 2},
    {"RSD", 2},  {"RUB", 2},  {"RWF", 0},  {"SAR", 2}, {"SBD", 2}, {"SCR", 2},
    {"SDG", 2},  {"SEK", 2},  {"SGD", 2},  {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, /* withdrawn */
    {"SOS", 2},  {"SRD", 2},  {"SSP", 2},  {"STD", 2},                         /* withdrawn */
    {"STN", 2},  {"SVC", 2},  {"SYP", 2},  {"SZL", 2}, {"THB", 2}, {"TJS", 2},
    {"TMT", 2},  {"TND", 3},  {"TOP", 2},  {"TRY", 2}, {"TTD", 2}, {"TWD", 2},
    {"TZS", 2},  {"UAH", 2},  {"UGX", 0},  {"USD", 2}, {"USN", 2}, {"UYI", 0},
    {"UYU", 2},  {"UYW", 4},  {"UZS", 2},  {"VED", 2}, {"VEF", 2},              /* withdrawn */
    {"VES", 2},  {"VND", 0},  {"VUV", 0},  {"WST", 2}, {"XAF", 0}, {"XAG", -1}, /* no minor unit */
    {"XAU", -1},                                                                /* no minor unit */
    {"XBA", -1},                                                                /* no minor unit */
    {"XBB", -1},                                                                /* no minor unit */
    {"XBC", -1},                                                                /* no minor unit */
    {"XBD", -1},                                                                /* no minor unit */
    {"XCD", 2},  {"XCG", 2},  {"XDR", -1},                                      /* no minor unit */
    {"XOF", 0},  {"XPD", -1},                                                   /* no minor unit */
    {"XPF", 0},  {"XPT", -1},                                                   /* no minor unit */
    {"XSU", -1},                                                                /* no minor unit */
    {"XTS", -1},                                                                /* no minor unit */
    {"XUA", -1},                                                                /* no minor unit */
    {"XXX", -1},                                                                /* no minor unit */
    {"YER", 2},  {"ZAR", 2},  {"ZMK", 2},                                       /* withdrawn */
    {"ZMW", 2},  {"ZWG", 2},  {"ZWL", 2},                                       /* withdrawn */
};

int sdk_currency_minor_units(const char *code)
{
    if (!code)
        return -1;
    char key[4];
    for (int i = 0; i < 3; i++) {
        char c = code[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return -1;
        key[i] = c;
    }
    if (code[3] != '\0')
        return -1;
    key[3] = '\0';
    size_t lo = 0, hi = sizeof(currencies) / sizeof(currencies[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(currencies[mid].code, key);
        if (c == 0)
            return currencies[mid].minor;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* For the unit test: the table's rows, in order. */
size_t sdk_currency_count(void)
{
    return sizeof(currencies) / sizeof(currencies[0]);
}

const char *sdk_currency_code_at(size_t i)
{
    return i < sdk_currency_count() ? currencies[i].code : NULL;
}
