/* flows_zip.c — download zips in and out through libzip (flows_zip.h). */
#include "flows_zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define FLOWS_ZIP_TOTAL_MAX (512u << 20) /* bytes of all entries together */
#define FLOWS_ZIP_MTIME     315532800    /* 1980-01-01, the zip format's first day */

int flows_zip_read(const char *path, struct flows_entries *out, char *err, size_t errlen)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, zerr);
        snprintf(err, errlen, "%s: cannot open the zip: %s", path, zip_error_strerror(&e));
        zip_error_fini(&e);
        return -1;
    }
    zip_int64_t n = zip_get_num_entries(z, 0);
    int rc = 0;
    size_t total = 0;
    if (n < 0 || (zip_uint64_t)n > FLOWS_LAYOUT_MAX_ENTRIES) {
        snprintf(err, errlen, "%s: %lld entries, more than %u", path, (long long)n,
                 FLOWS_LAYOUT_MAX_ENTRIES);
        rc = -1;
    }
    for (zip_int64_t i = 0; rc == 0 && i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
            !(st.valid & ZIP_STAT_SIZE)) {
            snprintf(err, errlen, "%s: entry %lld: %s", path, (long long)i, zip_strerror(z));
            rc = -1;
            break;
        }
        size_t nl = strlen(st.name);
        if (nl > 0 && st.name[nl - 1] == '/')
            continue;
        if (st.size > FLOWS_LAYOUT_MAX_ENTRY || total + st.size > FLOWS_ZIP_TOTAL_MAX) {
            snprintf(err, errlen, "%s: %s: too large (%llu bytes; at most %u per entry, %u in all)",
                     path, st.name, (unsigned long long)st.size, FLOWS_LAYOUT_MAX_ENTRY,
                     FLOWS_ZIP_TOTAL_MAX);
            rc = -1;
            break;
        }
        total += st.size;
        zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)i, 0);
        char *buf = malloc(st.size + 1);
        zip_int64_t got = zf && buf ? zip_fread(zf, buf, st.size + 1) : -1;
        if (got < 0 || (zip_uint64_t)got != st.size) {
            snprintf(err, errlen, "%s: %s: cannot read the entry: %s", path, st.name,
                     zf ? zip_file_strerror(zf) : zip_strerror(z));
            rc = -1;
        } else if (flows_entries_add(out, st.name, buf, (size_t)got) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        free(buf);
        if (zf)
            zip_fclose(zf);
    }
    zip_discard(z);
    return rc;
}

int flows_zip_write(const char *path, const struct flows_entries *in, char *err, size_t errlen)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, zerr);
        snprintf(err, errlen, "%s: cannot create the zip: %s", path, zip_error_strerror(&e));
        zip_error_fini(&e);
        return -1;
    }
    for (size_t i = 0; i < in->n; i++) {
        const struct flows_entry *e = &in->e[i];
        zip_source_t *src = zip_source_buffer(z, e->data, e->len, 0);
        zip_int64_t idx = src ? zip_file_add(z, e->path, src, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (src)
                zip_source_free(src);
            snprintf(err, errlen, "%s: cannot add %s: %s", path, e->path, zip_strerror(z));
            zip_discard(z);
            return -1;
        }
        if (zip_file_set_mtime(z, (zip_uint64_t)idx, FLOWS_ZIP_MTIME, 0) != 0) {
            snprintf(err, errlen, "%s: %s: %s", path, e->path, zip_strerror(z));
            zip_discard(z);
            return -1;
        }
    }
    if (zip_close(z) != 0) {
        snprintf(err, errlen, "%s: cannot write the zip: %s", path, zip_strerror(z));
        zip_discard(z);
        return -1;
    }
    return 0;
}
