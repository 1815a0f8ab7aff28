/* err.c — names and descriptions of the runner's internal error codes (err.h). */
#include "err.h"

#include <stddef.h>

struct err_entry {
    const char *name;
    const char *text;
};

/* Indexed by -code; err.h's order. */
static const struct err_entry err_table[] = {
    {"ERR_OK", "success"},
    {"ERR_NOMEM", "out of memory"},
    {"ERR_INVALID", "malformed input"},
    {"ERR_TYPE", "value of the wrong type"},
    {"ERR_TOO_LARGE", "input too large"},
    {"ERR_AGAIN", "needs more input"},
    {"ERR_CLOSED", "closed by the peer"},
    {"ERR_PROTOCOL", "protocol violation"},
    {"ERR_CONFIG", "unusable configuration"},
    {"ERR_FULL", "no room"},
    {"ERR_STOPPED", "stopped"},
    {"ERR_SYS", "system call failed"},
    {"ERR_UNSUPPORTED", "not supported"},
    {"ERR_IO", "read or write failed"},
    {"ERR_USAGE", "bad arguments"},
    {"ERR_UNSERIALIZABLE", "value JSON cannot carry"},
};

static const struct err_entry *err_find(int code)
{
    if (code > 0 || (size_t)-code >= sizeof err_table / sizeof err_table[0])
        return NULL;
    return &err_table[-code];
}

const char *err_name(int code)
{
    const struct err_entry *e = err_find(code);
    return e ? e->name : "ERR_UNKNOWN";
}

const char *err_str(int code)
{
    const struct err_entry *e = err_find(code);
    return e ? e->text : "unknown error";
}
