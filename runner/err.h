/* err.h — the one error vocabulary inside the runner.
 *
 * Every internal module (JSON engine, HTTP reader, TLS, pool, config, ...) returns 0 or more on
 * success and one of these negative codes on failure, as libuv's UV_E* do. A module says what a
 * code means for its own calls in its header ("ERR_TOO_LARGE: the headers passed
 * --max-header-bytes"); it does not invent a family of its own. The public ABI keeps its own
 * `hs_status` (hookstack.h): this vocabulary never crosses into a module.
 *
 * Append-only: new codes go at the end with the next free value, so logs and tests stay readable.
 */
#ifndef HS_ERR_H
#define HS_ERR_H

enum err_code {
    ERR_OK = 0,
    ERR_NOMEM = -1,        /* out of memory, or past a memory limit the caller set */
    ERR_INVALID = -2,      /* malformed input: bad JSON, bad HTTP, a value out of range */
    ERR_TYPE = -3,         /* a value of the wrong type (JavaScript's TypeError) */
    ERR_TOO_LARGE = -4,    /* input past a configured size limit */
    ERR_AGAIN = -5,        /* not an error yet: needs more input (e.g. TLS wants more ciphertext) */
    ERR_CLOSED = -6,       /* the peer ended the conversation cleanly */
    ERR_PROTOCOL = -7,     /* the peer broke the protocol (handshake or record failure) */
    ERR_CONFIG = -8,       /* configuration unusable: certificate, key, option file */
    ERR_FULL = -9,         /* a queue or table has no room */
    ERR_STOPPED = -10,     /* the component is stopping or stopped */
    ERR_SYS = -11,         /* a system call failed; errno says why */
    ERR_UNSUPPORTED = -12, /* well-formed but not handled (not TLS, an unknown Expect) */
    ERR_IO = -13,          /* a read or write failed */
    ERR_USAGE = -14,       /* bad command-line arguments */
    ERR_UNSERIALIZABLE = -15, /* a value JSON cannot carry (a date, a reserved key) */
};

/* The code's name ("ERR_NOMEM"), or "ERR_UNKNOWN" for a value not in the table. */
const char *err_name(int code);

/* A short lower-case description for logs ("out of memory"). */
const char *err_str(int code);

#endif
