/* fuzz_flows_api.c — libFuzzer target for what integrator.io's REST API answers to `hookstack
 * flows push|pull|diff` (runner/flows_api.c, runner/flows_sync.c): untrusted Link headers, error
 * bodies and resource documents. The input is "STATUS\nLINK\nSECRET\nBODY". Oracles: a next link
 * found is an http(s) URL copied from the header, with no space or control byte; an error text is
 * one printable line; a redacted text no longer holds the secret; a document in the folder's form
 * is canonical (canonicalizing it again changes nothing), and neither the PUT merged from it nor a
 * POST body made from it holds a secret placeholder. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flows_api.h"
#include "flows_canon.h"
#include "flows_sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_flows_api: %s\n", what);
        abort();
    }
}

/* The next line of the input (without its '\n'), advancing *p. */
static const char *line(const char **p, const char *end, size_t *n)
{
    const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
    *n = nl ? (size_t)(nl - s) : (size_t)(end - s);
    *p = nl ? nl + 1 : end;
    return s;
}

static bool holds_placeholder(const struct json_value *v, unsigned depth)
{
    if (depth > 300)
        return false;
    if (v->type == JSON_STRING)
        return strcmp(v->u.str, FLOWS_SECRET) == 0;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++)
            if (holds_placeholder(v->u.items[i], depth + 1))
                return true;
    } else if (v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->len; i++)
            if (holds_placeholder(v->u.members[i].value, depth + 1))
                return true;
    }
    return false;
}

static void documents(const char *body, size_t len)
{
    struct arena *a = arena_new(64 * 1024, 64u << 20);
    if (!a)
        return;
    struct json_value *v = flows_api_parse(a, body, len);
    struct json_value *ids = json_new_object(a);
    if (v && ids) {
        json_object_set(a, ids, "@connections/x", 14, json_new_string(a, "abc", 3));
        json_object_set(a, ids, "@stacks/s", 9, json_new_string(a, "def", 3));
        for (int t = 0; t < FLOWS_ENVIRONMENT; t++) {
            if (v->type != JSON_OBJECT)
                break;
            struct json_value *local = flows_sync_to_local(a, (enum flows_type)t, v, ids, NULL);
            if (!local)
                break;
            struct json_buf b1, b2;
            json_buf_init(&b1, 0);
            json_buf_init(&b2, 0);
            struct json_value *again = json_clone(a, local);
            if (again && flows_canon(a, (enum flows_type)t, again) == 0 &&
                flows_canon_write(&b1, local) == 0 && flows_canon_write(&b2, again) == 0)
                check(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0,
                      "the folder form is not canonical");
            json_buf_free(&b1);
            json_buf_free(&b2);
            struct json_value *m = flows_sync_merge(a, (enum flows_type)t, local, v);
            if (m && !holds_placeholder(v, 0))
                check(!holds_placeholder(m, 0), "a merged PUT holds a placeholder");
            struct json_value *c = flows_sync_create_body(a, local);
            if (c)
                check(!holds_placeholder(c, 0), "a POST body holds a placeholder");
            char missing[64];
            flows_sync_to_ids(a, local, ids, missing, sizeof(missing));
        }
    }
    arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    size_t sn, ln, kn;
    const char *st = line(&p, end, &sn);
    const char *link = line(&p, end, &ln);
    const char *secret = line(&p, end, &kn);
    const char *body = p;
    size_t blen = (size_t)(end - p);

    char next[256];
    if (flows_api_link_next(link, ln, next, sizeof(next))) {
        size_t n = strlen(next);
        check(n > 0 && n < sizeof(next), "next link length");
        check(strncmp(next, "http://", 7) == 0 || strncmp(next, "https://", 8) == 0,
              "next link is not http(s)");
        for (size_t i = 0; i < n; i++)
            check((unsigned char)next[i] > 0x20 && next[i] != 0x7f, "next link holds a space");
        check(memmem(link, ln, next, n) != NULL, "next link not from the header");
    }

    long status = 0;
    for (size_t i = 0; i < sn && i < 3; i++)
        status = status * 10 + (st[i] >= '0' && st[i] <= '9' ? st[i] - '0' : 0);
    char text[300];
    flows_api_error_text(status, body, blen, text, sizeof(text));
    size_t tl = strnlen(text, sizeof(text));
    check(tl < sizeof(text), "error text not terminated");
    for (size_t i = 0; i < tl; i++)
        check((unsigned char)text[i] >= 0x20 && text[i] != 0x7f, "error text holds a control byte");

    char sec[64];
    size_t k = 0;
    for (size_t i = 0; i < kn && k + 1 < sizeof(sec); i++)
        if (secret[i] != '\0')
            sec[k++] = secret[i];
    sec[k] = '\0';
    char red[512];
    size_t rl = blen < sizeof(red) - 1 ? blen : sizeof(red) - 1;
    memcpy(red, body, rl);
    red[rl] = '\0';
    flows_api_redact(red, sizeof(red), sec);
    if (sec[0])
        check(strstr(red, sec) == NULL, "redacted text still holds the secret");
    flows_api_redact(text, sizeof(text), sec);
    if (sec[0])
        check(strstr(text, sec) == NULL, "redacted error text still holds the secret");

    documents(body, blen);
    return 0;
}
