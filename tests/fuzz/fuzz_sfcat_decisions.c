/* fuzz_sfcat_decisions.c — libFuzzer target for the decisions file of `hookstack sfns catalog
 * --accept` (runner/sfcat_decide.c: CSV or JSON rows, untrusted): arbitrary bytes applied to a
 * small catalog never crash; a refusal has a message; what is applied leaves every product with
 * a valid status, an accepted product with an item or a bundle, and the canonical settings text
 * of the result parses back. The arena has a limit, so huge inputs end in an error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "catmatch.h"
#include "json.h"
#include "sfcat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfcat_decisions: %s\n", what);
        abort();
    }
}

/* Products P1..P6 and items I1..I4: exact codes, a normalised code, a bundle, one unmatched. */
static struct catmatch_set *small_set(void)
{
    struct catmatch_options o;
    catmatch_options_default(&o);
    struct catmatch_set *s = catmatch_new(&o);
    check(s != NULL, "set");
    struct catmatch_price usd = {"USD", 10};
    struct catmatch_member m[2] = {{"I1", 1}, {"I2", 2}};
    struct catmatch_item items[] = {
        {.id = "I1", .itemid = "A-1", .name = "Alpha widget", .prices = &usd, .nprices = 1},
        {.id = "I2", .itemid = "Tools : b 2", .name = "Beta tool"},
        {.id = "I3", .itemid = "C3", .inactive = 1},
        {.id = "I4", .itemid = "KIT", .type = CATMATCH_ITEM_KIT, .members = m, .nmembers = 2},
    };
    for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++)
        check(catmatch_add_item(s, &items[i]) == (long)i, "item");
    struct catmatch_product prods[] = {
        {.id = "P1", .code = "A-1", .name = "Alpha widget", .prices = &usd, .nprices = 1},
        {.id = "P2", .code = "B-2", .name = "Beta tool"},
        {.id = "P3", .code = "C3"},
        {.id = "P4", .code = "KIT", .name = "Kit"},
        {.id = "P5", .code = "a1"},
        {.id = "P6", .code = "NONE", .name = "Nothing like it"},
    };
    for (size_t i = 0; i < sizeof(prods) / sizeof(*prods); i++)
        check(catmatch_add_product(s, &prods[i]) == (long)i, "product");
    check(catmatch_add_component(s, 3, 0, 1) == CATMATCH_OK, "component");
    check(catmatch_add_component(s, 3, 1, 2) == CATMATCH_OK, "component");
    check(catmatch_run(s, NULL, NULL) == CATMATCH_OK, "run");
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(1 << 16, 32u << 20);
    check(a != NULL, "arena");
    struct catmatch_set *s = small_set();
    char err[512];
    err[0] = '\0';
    long n = sfcat_decisions_apply(s, a, "decisions", (const char *)data, size, err, sizeof(err));
    if (n < 0) {
        check(strncmp(err, "decisions: ", 11) == 0 && strlen(err) > 11, "a refusal without a "
                                                                        "message");
    } else {
        for (size_t i = 0; i < catmatch_count_products(s); i++) {
            const struct catmatch_proposal *p = catmatch_proposal(s, i);
            check(p->status <= CATMATCH_REJECTED, "an invalid status");
            check(p->status != CATMATCH_ACCEPTED || p->item >= 0 || p->nparts > 0,
                  "accepted without an item");
            check(p->item < (long)catmatch_count_items(s), "an item out of range");
        }
        /* The written settings (through a file, as the command does) read back as JSON. */
        char path[] = "/tmp/fuzz-sfcat-XXXXXX";
        int fd = mkstemp(path);
        check(fd >= 0, "mkstemp");
        struct sfcat_settings cs;
        check(sfcat_settings_read(a, NULL, &cs, err, sizeof(err)) == 0, "default settings");
        struct sfcat_written w;
        check(sfcat_write_settings(path, s, &cs, &w, err, sizeof(err)) == 0, "write settings");
        FILE *f = fdopen(fd, "rb");
        check(f != NULL, "fdopen");
        char buf[8192];
        size_t len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        unlink(path);
        struct json_error je;
        check(json_parse(a, buf, len, NULL, &je) != NULL, "settings text does not parse");
    }
    catmatch_free(s);
    arena_free(a);
    return 0;
}
