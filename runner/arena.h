/* arena.h — per-invocation memory pools: bump allocation, one release, cleanup callbacks.
 *
 * Everything a request or a hook invocation allocates comes from one arena and is released in one
 * step (arena_reset / arena_free), the way h2o's req->pool and nginx's pools work. An arena has a
 * byte limit fixed at creation; an allocation past it fails (NULL) instead of growing without
 * bound. Non-memory resources attach a cleanup callback that runs, last registered first, when the
 * arena is reset or freed. */
#ifndef HS_ARENA_H
#define HS_ARENA_H

#include <stddef.h>

struct arena;

/* Creates an arena whose blocks are at least block_size bytes and whose total allocation may not
 * exceed limit bytes (0: no limit). Returns NULL when out of memory. */
struct arena *arena_new(size_t block_size, size_t limit);

/* Runs the cleanups, then frees every block. NULL is allowed. */
void arena_free(struct arena *a);

/* Runs the cleanups and forgets every allocation, keeping the first block for reuse. */
void arena_reset(struct arena *a);

/* Returns size bytes aligned to 16, or NULL when the limit or memory is exhausted. Memory is not
 * zeroed (arena_calloc zeroes). */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);

/* Grows ptr (returned by this arena, old_size bytes) to new_size bytes: in place when ptr is the
 * most recent allocation and the block has room, else by copying. NULL on failure (ptr stays
 * valid). */
void *arena_realloc(struct arena *a, void *ptr, size_t old_size, size_t new_size);

/* Copies len bytes and appends a NUL (the copy may contain NULs itself). */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Registers fn(arg) to run when the arena is reset or freed. Returns 0, or -1 when out of memory
 * (fn is then not registered and not called). */
int arena_on_cleanup(struct arena *a, void (*fn)(void *), void *arg);

/* Keeps up to bytes of the blocks a reset would free, for the next allocations to reuse (default 0:
 * reset frees them). A worker that serves page after page keeps its memory mapped instead of paying
 * the kernel's page faults again on every request. */
void arena_set_retain(struct arena *a, size_t bytes);

/* Bytes handed out since creation or the last reset (for limits and metrics). */
size_t arena_used(const struct arena *a);

#endif
