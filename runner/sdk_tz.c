/* sdk_tz.c — time zones for the hook API's date calls: the UTC offset of an IANA zone at an
 * instant, from the system's tz database (Debian's tzdata, /usr/share/zoneinfo or $TZDIR).
 *
 * GLib's GTimeZone reads the compiled zone files (including the rule that continues a zone past
 * its last listed transition), so this file only validates names and caches zones. Chosen over
 * TZ + localtime_r, which changes process-wide state (and with it the local time zone that
 * jsval_date.c's Date parsing reads) and re-reads the zone file on every switch, and over a reader of
 * our own for the zone file format, which GLib already keeps up to date.
 *
 * A name comes from settings, so it is checked before it reaches the file system: letters,
 * digits and "/_-+" only, no empty or dot-led component, at most 64 bytes, and a regular file of
 * that name must exist under the zone directory (GLib would otherwise read "EST5" as a POSIX rule
 * rather than fail). Zones are cached for the life of the process (at most TZ_CACHE_MAX; past
 * that a zone is loaded for the one call and released). */
#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sdk_internal.h"

#define TZ_NAME_MAX  64
#define TZ_CACHE_MAX 32

struct tz_entry {
    char name[TZ_NAME_MAX + 1];
    GTimeZone *zone;
};

static struct tz_entry tz_cache[TZ_CACHE_MAX];
static size_t tz_cached;
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

static bool tz_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TZ_NAME_MAX)
        return false;
    bool start = true; /* at the start of a component */
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '/') {
            if (start)
                return false; /* leading slash or empty component */
            start = true;
            continue;
        }
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '+';
        if (!ok)
            return false;
        start = false;
    }
    return !start; /* no trailing slash */
}

static bool tz_file_exists(const char *name)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !dir[0])
        dir = "/usr/share/zoneinfo";
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct stat st;
    return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A new reference to the zone (the caller unrefs it), or NULL. */
static GTimeZone *tz_get(const char *name)
{
    pthread_mutex_lock(&tz_lock);
    for (size_t i = 0; i < tz_cached; i++)
        if (strcmp(tz_cache[i].name, name) == 0) {
            GTimeZone *z = g_time_zone_ref(tz_cache[i].zone);
            pthread_mutex_unlock(&tz_lock);
            return z;
        }
    GTimeZone *z = NULL;
    if (tz_name_ok(name) && tz_file_exists(name))
        z = g_time_zone_new_identifier(name);
    if (z && tz_cached < TZ_CACHE_MAX) {
        memcpy(tz_cache[tz_cached].name, name, strlen(name) + 1);
        tz_cache[tz_cached].zone = g_time_zone_ref(z);
        tz_cached++;
    }
    pthread_mutex_unlock(&tz_lock);
    return z;
}

hs_status sdk_tz_offset_at(const char *tz, int64_t utc_s, int32_t *offset_s)
{
    if (!tz || strcmp(tz, "UTC") == 0) {
        *offset_s = 0;
        return HS_OK;
    }
    GTimeZone *z = tz_get(tz);
    if (!z)
        return HS_ERR_NOT_FOUND;
    gint interval = g_time_zone_find_interval(z, G_TIME_TYPE_UNIVERSAL, (gint64)utc_s);
    *offset_s = interval >= 0 ? g_time_zone_get_offset(z, interval) : 0;
    g_time_zone_unref(z);
    return HS_OK;
}
