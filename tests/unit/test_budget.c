/* test_budget.c — the rule that shares the front's request-body memory (runner/budget.c): free
 * reading under half the budget, fair shares past it, the oldest reader always progressing while
 * the queue leaves room (no deadlock), a slow oldest reader not starving the others, and no
 * limit at all when the cap is 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "budget.h"

#define MB (1024u * 1024u)
#define KB 1024u

static void test_no_limit(void **state)
{
    (void)state;
    struct budget b = {.limit = 0, .reading = 100 * MB, .queued = 100 * MB, .nreaders = 3};
    assert_true(budget_may_read(&b, false, 50 * MB));
    assert_true(budget_may_read(&b, true, 50 * MB));
}

static void test_free_under_half(void **state)
{
    (void)state;
    /* 8 MB budget, 50 readers that sent nothing: a reader far past its share still reads. */
    struct budget b = {.limit = 8 * MB, .reading = 3 * MB, .queued = 0, .nreaders = 51};
    assert_int_equal(budget_share(&b), 4 * MB / 51);
    assert_true(budget_may_read(&b, false, 3 * MB));
}

static void test_fair_share_past_half(void **state)
{
    (void)state;
    struct budget b = {.limit = 8 * MB, .reading = 5 * MB, .queued = 0, .nreaders = 4};
    assert_int_equal(budget_share(&b), 1 * MB);
    assert_true(budget_may_read(&b, false, 512 * KB));
    assert_false(budget_may_read(&b, false, 1 * MB));
    assert_false(budget_may_read(&b, false, 2 * MB));
    /* At the budget nobody but the head reads, even under its share. */
    b.reading = 8 * MB;
    assert_false(budget_may_read(&b, false, 0));
    assert_true(budget_may_read(&b, true, 5 * MB));
}

static void test_min_share(void **state)
{
    (void)state;
    struct budget b = {.limit = 64 * KB, .reading = 40 * KB, .nreaders = 100};
    assert_int_equal(budget_share(&b), BUDGET_MIN_SHARE);
    assert_true(budget_may_read(&b, false, BUDGET_MIN_SHARE - 1));
    assert_false(budget_may_read(&b, false, BUDGET_MIN_SHARE));
}

static void test_head_progresses(void **state)
{
    (void)state;
    /* Every reader is past its share and the count is at the budget: without the head's
     * exemption nothing would ever complete. */
    struct budget b = {.limit = 8 * MB, .reading = 8 * MB, .queued = 0, .nreaders = 2};
    b.head_held = 4 * MB;
    assert_false(budget_may_read(&b, false, 4 * MB));
    assert_true(budget_may_read(&b, true, 4 * MB));
    /* ... until the queue (which drains by itself) fills the budget. */
    b.queued = 8 * MB;
    assert_false(budget_may_read(&b, true, 4 * MB));
    b.queued = 8 * MB - 1;
    assert_true(budget_may_read(&b, true, 4 * MB));
}

static void test_slow_head_does_not_starve(void **state)
{
    (void)state;
    /* The head holds 8 MB of a large body and trickles; another reader with 100 KB still gets
     * its share: the head's bytes past its own share are not counted against it. */
    struct budget b = {.limit = 8 * MB, .reading = 8 * MB + 100 * KB, .nreaders = 2};
    b.head_held = 8 * MB;
    assert_int_equal(budget_share(&b), 2 * MB);
    assert_true(budget_may_read(&b, false, 100 * KB));
    /* Without that rule the count would be past the budget. */
    b.head_held = 0;
    assert_false(budget_may_read(&b, false, 100 * KB));
}

static void test_queue_counts(void **state)
{
    (void)state;
    /* Complete bodies waiting for a worker count too. */
    struct budget b = {.limit = 8 * MB, .reading = 0, .queued = 8 * MB, .nreaders = 1};
    assert_false(budget_may_read(&b, false, 0));
    b.queued = 3 * MB;
    assert_true(budget_may_read(&b, false, 3 * MB));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_limit),
        cmocka_unit_test(test_free_under_half),
        cmocka_unit_test(test_fair_share_past_half),
        cmocka_unit_test(test_min_share),
        cmocka_unit_test(test_head_progresses),
        cmocka_unit_test(test_slow_head_does_not_starve),
        cmocka_unit_test(test_queue_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
