/* crash.c — the worker side of crash reporting (see crash.h): a record's place in words, the note
 * of the function and record a worker is running, and the fatal-signal handler that prints that
 * note and a backtrace before the worker dies by the same signal.
 *
 * Everything the handler runs is async-signal-safe: write(2), the formatting below (no stdio, no
 * allocation), sigabbrev_np (a table), and glibc's backtrace()/backtrace_symbols_fd(), which are
 * safe once libgcc's unwinder is loaded — crash_handlers_install() calls backtrace() once for
 * that. The note holds no hook data beyond the function's name and the record's id. */
#include "crash.h"
#include "text.h"

#include <execinfo.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* In sanitizer builds: a callback run when a sanitizer ends the process after its report. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* ---- bounded, allocation-free formatting ------------------------------------------------- */

struct cbuf {
    char *p;
    size_t len, cap; /* cap > 0; p[len] is always '\0' */
};

static void cb_putn(struct cbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n && b->len + 1 < b->cap; i++)
        b->p[b->len++] = s[i];
    b->p[b->len] = '\0';
}

static void cb_puts(struct cbuf *b, const char *s)
{
    cb_putn(b, s, strlen(s));
}

static void cb_putu(struct cbuf *b, unsigned long long v)
{
    char d[24];
    size_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0)
        cb_putn(b, &d[--n], 1);
}

/* ---- a record's place -------------------------------------------------------------------- */

/* 2^53: integers up to this size are exact in a double (and printable as one). */
#define CRASH_MAX_SAFE_INTEGER 9007199254740992.0

static bool id_usable(const struct json_value *v)
{
    if (v->type == JSON_STRING)
        return v->len > 0;
    return v->type == JSON_NUMBER && fabs(v->u.num) <= CRASH_MAX_SAFE_INTEGER &&
           floor(v->u.num) == v->u.num;
}

/* Rank of an id key: 0 Id, 1 id, 2 internalId, 3 _id; 4 for any other key. */
static int id_rank(const char *k, uint32_t len)
{
    if (len == 2 && k[1] == 'd' && (k[0] == 'I' || k[0] == 'i'))
        return k[0] == 'I' ? 0 : 1;
    if (len == 10 && memcmp(k, STRLIT("internalId")) == 0)
        return 2;
    if (len == 3 && memcmp(k, STRLIT("_id")) == 0)
        return 3;
    return 4;
}

const struct json_value *crash_record_id(const struct json_value *record)
{
    if (record == NULL || record->type != JSON_OBJECT)
        return NULL;
    const struct json_value *best = NULL;
    int best_rank = 4;
    for (uint32_t i = 0; i < record->len && best_rank > 0; i++) {
        const struct json_member *m = &record->u.members[i];
        int r = id_rank(m->key, m->key_len);
        if (r < best_rank && id_usable(m->value)) {
            best = m->value;
            best_rank = r;
        }
    }
    return best;
}

size_t crash_where_format(char *out, size_t cap, size_t index, size_t count,
                          const struct json_value *id)
{
    if (cap == 0)
        return 0;
    struct cbuf b = {.p = out, .len = 0, .cap = cap};
    out[0] = '\0';
    cb_puts(&b, "record ");
    cb_putu(&b, (unsigned long long)index + 1);
    cb_puts(&b, " of ");
    cb_putu(&b, (unsigned long long)count);
    if (id == NULL)
        return b.len;
    cb_puts(&b, ", id ");
    if (id->type == JSON_NUMBER) {
        if (id->u.num < 0)
            cb_puts(&b, "-");
        cb_putu(&b, (unsigned long long)fabs(id->u.num));
        return b.len;
    }
    size_t n = id->len < CRASH_ID_SHOWN ? id->len : CRASH_ID_SHOWN;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id->u.str[i];
        char ch = c > 0x20 && c < 0x7f ? (char)c : '?';
        cb_putn(&b, &ch, 1);
    }
    if (id->len > CRASH_ID_SHOWN)
        cb_puts(&b, "...");
    return b.len;
}

/* ---- the note of what runs --------------------------------------------------------------- */

/* Written by the worker's one thread between calls into hook code, read by the handler on the
 * same thread: volatile keeps each store in place before the hook runs. */
static struct {
    const char *volatile function;
    volatile bool record;
    volatile size_t index, count;
    const struct json_value *volatile id;
} crash_now;

void crash_where_function(const char *name)
{
    crash_now.record = false;
    crash_now.function = name;
}

void crash_where_record(size_t index, size_t count, const struct json_value *id)
{
    crash_now.index = index;
    crash_now.count = count;
    crash_now.id = id;
    crash_now.record = true;
}

/* The note line: CRASH_NOTE_PREFIX what " in function F" [" at " place] "\n". */
static size_t crash_note(char *out, size_t cap, const char *what)
{
    struct cbuf b = {.p = out, .len = 0, .cap = cap};
    out[0] = '\0';
    cb_puts(&b, CRASH_NOTE_PREFIX);
    cb_puts(&b, what);
    const char *fn = crash_now.function;
    if (fn != NULL) {
        cb_puts(&b, " in function ");
        cb_putn(&b, fn, strnlen(fn, 128));
        if (crash_now.record) {
            char where[CRASH_WHERE_MAX];
            crash_where_format(where, sizeof(where), crash_now.index, crash_now.count,
                               crash_now.id);
            cb_puts(&b, " at ");
            cb_puts(&b, where);
        }
    }
    cb_puts(&b, "\n");
    return b.len;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* ---- handlers ---------------------------------------------------------------------------- */

static void crash_on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    char what[32];
    struct cbuf w = {.p = what, .len = 0, .cap = sizeof(what)};
    const char *abbrev = sigabbrev_np(sig);
    cb_puts(&w, "SIG");
    cb_puts(&w, abbrev ? abbrev : "?");
    char line[512];
    size_t n = crash_note(line, sizeof(line), what);
    /* The note ends "\n"; the backtrace follows on its own lines. */
    write_all(STDERR_FILENO, line, n);
    static const char head[] = CRASH_NOTE_PREFIX
        "backtrace (addr2line -f -e FILE 0xOFFSET names a FILE(+0xOFFSET) frame):\n";
    write_all(STDERR_FILENO, head, sizeof(head) - 1);
    void *frames[CRASH_BACKTRACE_MAX];
    int nf = backtrace(frames, CRASH_BACKTRACE_MAX);
    backtrace_symbols_fd(frames, nf, STDERR_FILENO);
    /* SA_RESETHAND made the action the default again, SA_NODEFER left the signal unblocked: die
     * by it now, also when it was sent rather than raised by a fault. */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void crash_on_sanitizer_death(void)
{
    if (crash_now.function == NULL)
        return;
    char line[512];
    size_t n = crash_note(line, sizeof(line), "sanitizer error");
    write_all(STDERR_FILENO, line, n);
}

/* A hook that calls exit() ends its worker without an answer: say where (the worker itself ends
 * with _exit, which runs no atexit handler). */
static void crash_on_exit(void)
{
    if (crash_now.function == NULL)
        return;
    char line[512];
    size_t n = crash_note(line, sizeof(line), "exit()");
    write_all(STDERR_FILENO, line, n);
}

/* UBSan's report hook: a weak symbol of its runtime, which calls it for each report it prints
 * (never called in a plain build). GCC links UBSan as its own runtime, whose death callback is not
 * the one __sanitizer_set_death_callback sets, so the note is written from here for its reports
 * (before the report's own lines). */
void __ubsan_on_report(void);
void __ubsan_on_report(void)
{
    crash_on_sanitizer_death();
}

void crash_handlers_install(void)
{
    /* Loads libgcc's unwinder now: backtrace() would dlopen it on first use. */
    void *prime[2];
    (void)backtrace(prime, 2);

    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
    sigaltstack(&ss, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = crash_on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
        sigaction(fatal[i], &sa, NULL);
    atexit(crash_on_exit);
    if (__sanitizer_set_death_callback != NULL)
        __sanitizer_set_death_callback(crash_on_sanitizer_death);
}
