/* arena.c — the bump allocator behind every request and hook invocation (see arena.h). */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* data follows, aligned */
};

struct arena_cleanup {
    struct arena_cleanup *next;
    void (*fn)(void *);
    void *arg;
};

struct arena {
    struct arena_block *head;  /* current block first */
    struct arena_block *first; /* the block made at creation, kept by reset */
    size_t block_size;
    size_t limit;
    size_t used;
    struct arena_cleanup *cleanups;
    void *last; /* most recent allocation, for in-place realloc */
    size_t last_size;
    struct arena_block *spare; /* blocks kept by reset for reuse (see arena_set_retain) */
    size_t spare_bytes;
    size_t retain; /* most bytes of spare blocks to keep */
};

#define BLOCK_HDR ((sizeof(struct arena_block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static inline char *block_data(struct arena_block *b)
{
    return (char *)b + BLOCK_HDR;
}

static struct arena_block *block_new(size_t size)
{
    struct arena_block *b = malloc(BLOCK_HDR + size);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

/* A block of at least size usable bytes: a spare one kept by reset (first fit), else a new one. */
static struct arena_block *block_get(struct arena *a, size_t size)
{
    for (struct arena_block **pp = &a->spare; *pp != NULL; pp = &(*pp)->next) {
        struct arena_block *b = *pp;
        if (b->size >= size) {
            *pp = b->next;
            a->spare_bytes -= b->size;
            b->next = NULL;
            b->used = 0;
            return b;
        }
    }
    return block_new(size);
}

void arena_set_retain(struct arena *a, size_t bytes)
{
    a->retain = bytes;
    while (a->spare != NULL && a->spare_bytes > bytes) {
        struct arena_block *b = a->spare;
        a->spare = b->next;
        a->spare_bytes -= b->size;
        free(b);
    }
}

struct arena *arena_new(size_t block_size, size_t limit)
{
    struct arena *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    if (block_size < 256)
        block_size = 256;
    a->block_size = block_size;
    a->limit = limit;
    a->head = block_new(block_size);
    if (a->head == NULL) {
        free(a);
        return NULL;
    }
    a->first = a->head;
    return a;
}

static void run_cleanups(struct arena *a)
{
    while (a->cleanups != NULL) {
        struct arena_cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->arg);
    }
}

void arena_reset(struct arena *a)
{
    if (a == NULL)
        return;
    run_cleanups(a);
    /* Keep the block made at creation: it has the configured size. */
    struct arena_block *b = a->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        if (b != a->first) {
            if (a->spare_bytes + b->size <= a->retain) {
                b->next = a->spare;
                a->spare = b;
                a->spare_bytes += b->size;
            } else {
                free(b);
            }
        }
        b = next;
    }
    b = a->first;
    b->next = NULL;
    b->used = 0;
    a->head = b;
    a->used = 0;
    a->last = NULL;
    a->last_size = 0;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    run_cleanups(a);
    struct arena_block *lists[2] = {a->head, a->spare};
    for (int i = 0; i < 2; i++) {
        struct arena_block *b = lists[i];
        while (b != NULL) {
            struct arena_block *next = b->next;
            free(b);
            b = next;
        }
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded < size)
        return NULL;
    if (a->limit != 0 && (rounded > a->limit || a->used > a->limit - rounded))
        return NULL;
    struct arena_block *b = a->head;
    if (b->size - b->used < rounded) {
        size_t bs = a->block_size;
        if (rounded > bs / 4) {
            /* A large allocation gets its own block behind the current one, so the current
             * block's free space is not wasted. */
            struct arena_block *big = block_get(a, rounded);
            if (big == NULL)
                return NULL;
            big->used = rounded;
            big->next = b->next;
            b->next = big;
            a->used += rounded;
            a->last = NULL;
            return block_data(big);
        }
        struct arena_block *nb = block_get(a, bs);
        if (nb == NULL)
            return NULL;
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = block_data(b) + b->used;
    b->used += rounded;
    a->used += rounded;
    a->last = p;
    a->last_size = rounded;
    return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = arena_alloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *arena_realloc(struct arena *a, void *ptr, size_t old_size, size_t new_size)
{
    if (ptr == NULL)
        return arena_alloc(a, new_size);
    if (new_size <= old_size)
        return ptr;
    if (ptr == a->last) {
        struct arena_block *b = a->head;
        size_t rounded = (new_size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
        size_t grow = rounded - a->last_size;
        if (rounded >= new_size && (char *)ptr + a->last_size == block_data(b) + b->used &&
            b->size - b->used >= grow &&
            (a->limit == 0 || (grow <= a->limit && a->used <= a->limit - grow))) {
            b->used += grow;
            a->used += grow;
            a->last_size = rounded;
            return ptr;
        }
    }
    void *n = arena_alloc(a, new_size);
    if (n == NULL)
        return NULL;
    memcpy(n, ptr, old_size);
    return n;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len != 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

int arena_on_cleanup(struct arena *a, void (*fn)(void *), void *arg)
{
    struct arena_cleanup *c = arena_alloc(a, sizeof(*c));
    if (c == NULL)
        return -1;
    c->fn = fn;
    c->arg = arg;
    c->next = a->cleanups;
    a->cleanups = c;
    return 0;
}

size_t arena_used(const struct arena *a)
{
    return a->used;
}
