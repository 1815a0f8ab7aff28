/* flows_locate.c — finds a path's position in JSON text (flows_locate.h) with a small scanner
 * that skips values without building them. Every read is bounds-checked: the text may be
 * anything. */
#include "flows_locate.h"

#include <stdbool.h>
#include <string.h>

struct scan {
    const char *s;
    size_t len, pos;
};

static void skip_ws(struct scan *c)
{
    while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' ||
                               c->s[c->pos] == '\n' || c->s[c->pos] == '\r'))
        c->pos++;
}

/* Past a string starting at c->pos (a '"'). False when it does not end. */
static bool skip_string(struct scan *c)
{
    c->pos++;
    while (c->pos < c->len) {
        char ch = c->s[c->pos++];
        if (ch == '\\')
            c->pos++;
        else if (ch == '"')
            return c->pos <= c->len;
    }
    return false;
}

/* Past one value. False when the text ends first. */
static bool skip_value(struct scan *c)
{
    skip_ws(c);
    if (c->pos >= c->len)
        return false;
    char ch = c->s[c->pos];
    if (ch == '"')
        return skip_string(c);
    if (ch == '{' || ch == '[') {
        size_t depth = 0;
        while (c->pos < c->len) {
            ch = c->s[c->pos];
            if (ch == '"') {
                if (!skip_string(c))
                    return false;
                continue;
            }
            c->pos++;
            if (ch == '{' || ch == '[')
                depth++;
            else if ((ch == '}' || ch == ']') && --depth == 0)
                return true;
        }
        return false;
    }
    while (c->pos < c->len && !strchr(",]} \t\r\n", c->s[c->pos]))
        c->pos++;
    return true;
}

static int hexval(char h)
{
    if (h >= '0' && h <= '9')
        return h - '0';
    if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
    if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
    return -1;
}

/* Decodes the string at c->pos into out (at most cap bytes kept; *n its length, which may exceed
 * cap, then the key cannot match) and moves past it. */
static bool read_key(struct scan *c, char *out, size_t cap, size_t *n)
{
    *n = 0;
    c->pos++;
    while (c->pos < c->len) {
        char ch = c->s[c->pos++];
        if (ch == '"')
            return true;
        unsigned cp = (unsigned char)ch;
        if (ch == '\\' && c->pos < c->len) {
            char e = c->s[c->pos++];
            const char *map = "\"\"\\\\//b\bf\fn\nr\rt\t";
            const char *hit = strchr(map, e);
            if (e == 'u' && c->pos + 4 <= c->len) {
                cp = 0;
                for (int k = 0; k < 4; k++) {
                    int h = hexval(c->s[c->pos + (size_t)k]);
                    cp = cp * 16 + (unsigned)(h < 0 ? 0 : h);
                }
                c->pos += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && c->pos + 6 <= c->len && c->s[c->pos] == '\\' &&
                    c->s[c->pos + 1] == 'u') {
                    unsigned lo = 0;
                    for (int k = 0; k < 4; k++) {
                        int h = hexval(c->s[c->pos + 2 + (size_t)k]);
                        lo = lo * 16 + (unsigned)(h < 0 ? 0 : h);
                    }
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        c->pos += 6;
                    }
                }
                char u[4];
                size_t k = 0;
                if (cp < 0x80) {
                    u[k++] = (char)cp;
                } else if (cp < 0x800) {
                    u[k++] = (char)(0xC0 | (cp >> 6));
                    u[k++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    u[k++] = (char)(0xE0 | (cp >> 12));
                    u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    u[k++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    u[k++] = (char)(0xF0 | (cp >> 18));
                    u[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                    u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    u[k++] = (char)(0x80 | (cp & 0x3F));
                }
                for (size_t j = 0; j < k; j++, (*n)++)
                    if (*n < cap)
                        out[*n] = u[j];
                continue;
            }
            ch = hit && ((hit - map) % 2 == 0) ? hit[1] : e;
        }
        if (*n < cap)
            out[*n] = ch;
        (*n)++;
    }
    return false;
}

void flows_offset_pos(const char *text, size_t len, size_t offset, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, k = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            l++;
            k = 1;
        } else {
            k++;
        }
    }
    *line = l;
    *col = k;
}

void flows_locate(const char *text, size_t len, const struct flows_path *path, uint32_t *line,
                  uint32_t *col)
{
    struct scan c = {.s = text, .len = len, .pos = 0};
    skip_ws(&c);
    size_t found = c.pos;
    char key[256];
    for (size_t d = 0; d < path->n && c.pos < c.len; d++) {
        const struct flows_seg *sg = &path->seg[d];
        char open = c.s[c.pos];
        size_t hit = (size_t)-1, hit_key = 0;
        if (sg->key && open == '{') {
            c.pos++;
            for (;;) {
                skip_ws(&c);
                if (c.pos >= c.len || c.s[c.pos] != '"')
                    break;
                size_t kpos = c.pos, n;
                if (!read_key(&c, key, sizeof(key), &n))
                    break;
                skip_ws(&c);
                if (c.pos >= c.len || c.s[c.pos] != ':')
                    break;
                c.pos++;
                skip_ws(&c);
                size_t vpos = c.pos;
                if (n == sg->klen && n <= sizeof(key) && memcmp(key, sg->key, n) == 0) {
                    hit = vpos;
                    hit_key = kpos;
                }
                if (!skip_value(&c))
                    break;
                skip_ws(&c);
                if (c.pos >= c.len || c.s[c.pos] != ',')
                    break;
                c.pos++;
            }
        } else if (!sg->key && open == '[') {
            c.pos++;
            for (size_t i = 0;; i++) {
                skip_ws(&c);
                if (c.pos >= c.len || c.s[c.pos] == ']')
                    break;
                if (i == sg->index) {
                    hit = hit_key = c.pos;
                    break;
                }
                if (!skip_value(&c))
                    break;
                skip_ws(&c);
                if (c.pos >= c.len || c.s[c.pos] != ',')
                    break;
                c.pos++;
            }
        }
        if (hit == (size_t)-1)
            break;
        found = hit_key;
        c.pos = hit;
    }
    flows_offset_pos(text, len, found, line, col);
}
