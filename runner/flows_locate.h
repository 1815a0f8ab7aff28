/* flows_locate.h — where a value sits in the text of a JSON file, for `flows validate` findings
 * ("file:line:col: message"): the tree json_parse builds keeps no positions, so the finding's
 * path is looked up again in the text. */
#ifndef HS_FLOWS_LOCATE_H
#define HS_FLOWS_LOCATE_H

#include <stddef.h>
#include <stdint.h>

/* One step of a path: a member key (key != NULL, klen bytes) or an array index. */
struct flows_seg {
    const char *key;
    size_t klen;
    size_t index;
};

#define FLOWS_PATH_MAX 48

struct flows_path {
    struct flows_seg seg[FLOWS_PATH_MAX];
    size_t n;
};

/* Follows path through the len bytes of text (a JSON document; text that is not is handled, the
 * walk then stops early) and gives the 1-based line and byte column of the deepest step found: a
 * member's key, an array element's first character, or the document itself for an empty path.
 * Where a key repeats, its last occurrence (the one json_parse keeps). */
void flows_locate(const char *text, size_t len, const struct flows_path *path, uint32_t *line,
                  uint32_t *col);

/* Line and column (1-based, bytes) of offset in text. */
void flows_offset_pos(const char *text, size_t len, size_t offset, uint32_t *line, uint32_t *col);

#endif
