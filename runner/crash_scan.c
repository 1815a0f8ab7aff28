/* crash_scan.c — the reading side of crash reporting (see crash.h): what a dead worker's output
 * said (a sanitizer report's first line, the place from the worker's crash note) and the one
 * hook_crashed message the front (pool.c, front.c) and the CLI (cli_local.c) answer with. */
#include "crash.h"
#include "text.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

void crash_scan_reset(struct crash_scan *s)
{
    s->report[0] = '\0';
    s->where[0] = '\0';
}

/* Copies n bytes of s into out (cap > 0) as printable ASCII ('?' for any other byte). */
static void copy_printable(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[n] = '\0';
}

/* The last occurrence of needle in s[0..n), or NULL. */
static const char *last_of(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
        if (memcmp(s + i, needle, k) == 0)
            return s + i;
    return NULL;
}

void crash_scan_line(struct crash_scan *s, const char *line, size_t n)
{
    static const char *const marks[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                        "runtime error:", "ERROR: UndefinedBehaviorSanitizer"};
    if (s->report[0] == '\0') {
        for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
            const char *hit = memmem(line, n, marks[k], strlen(marks[k]));
            if (hit != NULL) {
                if (strncmp(hit, STRLIT("ERROR: ")) == 0)
                    hit += 7;
                copy_printable(s->report, sizeof(s->report), hit, (size_t)(line + n - hit));
                break;
            }
        }
    }
    static const char prefix[] = CRASH_NOTE_PREFIX;
    size_t plen = sizeof(prefix) - 1;
    if (s->where[0] == '\0' && n > plen && memcmp(line, prefix, plen) == 0) {
        /* The place is last on the line, and an id holds no space: the last " at record ". */
        const char *at = last_of(line + plen, n - plen, " at record ");
        if (at != NULL)
            copy_printable(s->where, sizeof(s->where), at + 4, (size_t)(line + n - at - 4));
    }
}

size_t crash_message(char *out, size_t cap, const char *function, int term_signal, int exit_status,
                     const char *report, const char *where)
{
    if (cap == 0)
        return 0;
    char what[160];
    if (function != NULL && function[0] != '\0')
        snprintf(what, sizeof(what), "The function %.128s", function);
    else
        snprintf(what, sizeof(what), "The function");
    char at[CRASH_WHERE_MAX + 8] = "";
    if (where != NULL && where[0] != '\0')
        snprintf(at, sizeof(at), " at %s", where);
    char why[CRASH_REPORT_MAX + 8] = "";
    if (report != NULL && report[0] != '\0')
        snprintf(why, sizeof(why), " (%.200s)", report);
    int n;
    if (term_signal != 0) {
        const char *abbrev = sigabbrev_np(term_signal);
        n = snprintf(out, cap, "%s crashed%s: its worker was killed by signal %d (SIG%s)%s.", what,
                     at, term_signal, abbrev ? abbrev : "?", why);
    } else {
        n = snprintf(out, cap, "%s crashed%s: its worker exited with status %d%s.", what, at,
                     exit_status, why);
    }
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}
