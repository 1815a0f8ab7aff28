/* fuzz_modcheck_report.c — the report of a module check (runner/modcheck.c) as the front reads it:
 * the bytes a check child wrote, which the module code it loaded could have shaped. Whatever they
 * are, reading them must not crash or leak; the index of the module being loaded stays within the
 * set; a passing report fills the set with names, a refusing one gives a NUL-terminated reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modcheck.h"

#define FUZZ_FILES 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct modset *ms = calloc(1, sizeof(*ms));
    if (ms == NULL)
        return 0;
    ms->nfiles = FUZZ_FILES;
    for (size_t i = 0; i < FUZZ_FILES; i++) {
        ms->fds[i] = -1;
        ms->labels[i] = strdup("/modules/m.so");
        if (ms->labels[i] == NULL)
            abort();
    }
    long loading = -2;
    char why[512];
    memset(why, 'x', sizeof(why));
    int r = modcheck_report_read((const char *)data, size, ms, &loading, why, sizeof(why));
    if (loading < -1 || loading >= FUZZ_FILES)
        abort();
    if (r == MODCHECK_REPORT_REFUSED && memchr(why, '\0', sizeof(why)) == NULL)
        abort();
    if (r == MODCHECK_REPORT_REFUSED && (ms->nmodules != 0 || ms->nfunctions != 0))
        abort();
    for (size_t i = 0; r == MODCHECK_REPORT_PASSED && i < ms->nmodules; i++) {
        if (strlen(ms->modules[i].name) > size || strlen(ms->modules[i].label) > size)
            abort();
    }
    for (size_t i = 0; i + 1 < ms->nfunctions; i++) {
        for (size_t k = i + 1; k < ms->nfunctions; k++) {
            if (strcmp(ms->functions[i], ms->functions[k]) == 0)
                abort(); /* names are distinct */
        }
    }
    modset_free(ms);
    return 0;
}
