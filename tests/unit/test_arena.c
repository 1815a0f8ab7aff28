/* test_arena.c — the per-invocation arena: alignment, limits, realloc, reset and cleanups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static void test_alloc_aligned_and_distinct(void **state)
{
    (void)state;
    struct arena *a = arena_new(1024, 0);
    assert_non_null(a);
    char *p = arena_alloc(a, 3);
    char *q = arena_alloc(a, 5);
    assert_non_null(p);
    assert_non_null(q);
    assert_true(((uintptr_t)p % 16) == 0);
    assert_true(((uintptr_t)q % 16) == 0);
    assert_true(q >= p + 3);
    memset(p, 'a', 3);
    memset(q, 'b', 5);
    assert_int_equal(p[2], 'a');
    arena_free(a);
}

static void test_limit_refuses(void **state)
{
    (void)state;
    struct arena *a = arena_new(256, 1000);
    assert_non_null(arena_alloc(a, 512));
    assert_null(arena_alloc(a, 600)); /* 512 + 608 > 1000 */
    assert_non_null(arena_alloc(a, 400));
    assert_null(arena_alloc(a, 100));    /* 912 + 112 > 1000 */
    assert_non_null(arena_alloc(a, 80)); /* 992 */
    arena_reset(a);
    assert_int_equal(arena_used(a), 0);
    assert_non_null(arena_alloc(a, 900));
    arena_free(a);
}

static void test_large_allocations_and_many_blocks(void **state)
{
    (void)state;
    struct arena *a = arena_new(256, 0);
    for (int i = 0; i < 1000; i++) {
        char *p = arena_alloc(a, (size_t)(i % 7 == 0 ? 5000 : 40));
        assert_non_null(p);
        p[0] = (char)i;
    }
    arena_reset(a);
    for (int i = 0; i < 100; i++)
        assert_non_null(arena_alloc(a, 100));
    arena_free(a);
}

static void test_realloc_in_place_and_copy(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    char *p = arena_alloc(a, 16);
    memcpy(p, "0123456789abcdef", 16);
    char *p2 = arena_realloc(a, p, 16, 64);
    assert_ptr_equal(p, p2); /* last allocation, room in the block: grows in place */
    char *other = arena_alloc(a, 8);
    assert_non_null(other);
    char *p3 = arena_realloc(a, p2, 64, 128);
    assert_ptr_not_equal(p3, p2); /* no longer the last: copied */
    assert_memory_equal(p3, "0123456789abcdef", 16);
    arena_free(a);
}

static int cleanup_order[4];
static int cleanup_count;

static void record_cleanup(void *arg)
{
    cleanup_order[cleanup_count++] = (int)(intptr_t)arg;
}

static void test_cleanups_run_last_first_on_reset_and_free(void **state)
{
    (void)state;
    cleanup_count = 0;
    struct arena *a = arena_new(512, 0);
    assert_int_equal(arena_on_cleanup(a, record_cleanup, (void *)1), 0);
    assert_int_equal(arena_on_cleanup(a, record_cleanup, (void *)2), 0);
    arena_reset(a);
    assert_int_equal(cleanup_count, 2);
    assert_int_equal(cleanup_order[0], 2);
    assert_int_equal(cleanup_order[1], 1);
    assert_int_equal(arena_on_cleanup(a, record_cleanup, (void *)3), 0);
    arena_free(a);
    assert_int_equal(cleanup_count, 3);
    assert_int_equal(cleanup_order[2], 3);
}

static void test_strndup_keeps_nuls(void **state)
{
    (void)state;
    struct arena *a = arena_new(512, 0);
    char *s = arena_strndup(a, "a\0b", 3);
    assert_memory_equal(s, "a\0b", 3);
    assert_int_equal(s[3], '\0');
    assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
    arena_free(a);
}

static void test_retain_reuses_blocks_across_resets(void **state)
{
    (void)state;
    struct arena *a = arena_new(1024, 0);
    arena_set_retain(a, 1u << 20);
    char *big = arena_alloc(a, 100000);
    char *small[20];
    for (int i = 0; i < 20; i++)
        small[i] = arena_alloc(a, 200); /* spills into new standard blocks */
    assert_non_null(small[19]);
    arena_reset(a);
    char *big2 = arena_alloc(a, 90000);
    assert_ptr_equal(big2, big); /* the kept 100000-byte block, not a new mapping */
    memset(big2, 1, 90000);
    for (int i = 0; i < 20; i++)
        assert_non_null(arena_alloc(a, 200));
    /* Lowering the retention frees the spare blocks at once. */
    arena_reset(a);
    arena_set_retain(a, 0);
    assert_non_null(arena_alloc(a, 100000));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_aligned_and_distinct),
        cmocka_unit_test(test_limit_refuses),
        cmocka_unit_test(test_large_allocations_and_many_blocks),
        cmocka_unit_test(test_realloc_in_place_and_copy),
        cmocka_unit_test(test_cleanups_run_last_first_on_reset_and_free),
        cmocka_unit_test(test_strndup_keeps_nuls),
        cmocka_unit_test(test_retain_reuses_blocks_across_resets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
