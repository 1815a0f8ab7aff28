/* test_states.c — the state machines the front and the pool assert on (runner/front.c,
 * runner/pool.c): which moves of a connection (conn_state_legal) and of a pool job
 * (pool_job_state_legal) are legal, and, where asserts are compiled in (the asan/ twin), that an
 * illegal move aborts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front_internal.h"
#include "pool_internal.h"

static void test_conn_request_cycle(void **state)
{
    (void)state;
    /* read, process, answer, wait for the next request */
    assert_true(conn_state_legal(CS_IDLE, CS_READING));
    assert_true(conn_state_legal(CS_READING, CS_PROCESSING));
    assert_true(conn_state_legal(CS_PROCESSING, CS_WRITING));
    assert_true(conn_state_legal(CS_WRITING, CS_IDLE));
    /* a 408 (or the drain's 503) answers a request still being read */
    assert_true(conn_state_legal(CS_READING, CS_WRITING));
    /* a closing answer lingers; conn_end lingers from anywhere open; its FIN callback again */
    assert_true(conn_state_legal(CS_WRITING, CS_LINGER));
    assert_true(conn_state_legal(CS_IDLE, CS_LINGER));
    assert_true(conn_state_legal(CS_LINGER, CS_LINGER));
    /* closing is always possible, but final */
    for (int s = CS_IDLE; s < CS_CLOSING; s++)
        assert_true(conn_state_legal((enum conn_state)s, CS_CLOSING));
    for (int s = CS_IDLE; s <= CS_CLOSING; s++)
        assert_false(conn_state_legal(CS_CLOSING, (enum conn_state)s));
}

static void test_conn_illegal_moves(void **state)
{
    (void)state;
    assert_false(conn_state_legal(CS_IDLE, CS_WRITING));       /* an answer with no request */
    assert_false(conn_state_legal(CS_IDLE, CS_PROCESSING));    /* processing what was not read */
    assert_false(conn_state_legal(CS_WRITING, CS_WRITING));    /* a second answer */
    assert_false(conn_state_legal(CS_PROCESSING, CS_IDLE));    /* a request dropped unanswered */
    assert_false(conn_state_legal(CS_PROCESSING, CS_READING)); /* reading during processing */
    assert_false(conn_state_legal(CS_LINGER, CS_IDLE));        /* serving after the end */
    assert_false(conn_state_legal(CS_LINGER, CS_WRITING));
}

static void test_pool_job_moves(void **state)
{
    (void)state;
    assert_true(pool_job_state_legal(POOL_JOB_IDLE, POOL_JOB_RUNNING)); /* to a worker at once */
    assert_true(pool_job_state_legal(POOL_JOB_IDLE, POOL_JOB_QUEUED));
    assert_true(pool_job_state_legal(POOL_JOB_QUEUED, POOL_JOB_RUNNING));
    assert_true(pool_job_state_legal(POOL_JOB_QUEUED, POOL_JOB_IDLE));      /* cancelled */
    assert_true(pool_job_state_legal(POOL_JOB_RUNNING, POOL_JOB_IDLE));     /* done or cancelled */
    assert_false(pool_job_state_legal(POOL_JOB_RUNNING, POOL_JOB_RUNNING)); /* submitted twice */
    assert_false(pool_job_state_legal(POOL_JOB_RUNNING, POOL_JOB_QUEUED));
    assert_false(pool_job_state_legal(POOL_JOB_QUEUED, POOL_JOB_QUEUED));
    assert_false(pool_job_state_legal(POOL_JOB_IDLE, POOL_JOB_IDLE)); /* done twice */
}

/* Runs fn in a child; returns the signal that ended it, or 0 when it exited. */
static int run_child(void (*fn)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void child_second_answer(void)
{
    struct conn *c = calloc(1, sizeof(*c));
    c->state = CS_WRITING;
    conn_set_state(c, CS_WRITING);
    free(c);
}

static void child_job_done_twice(void)
{
    struct pool_job job = {.state = POOL_JOB_RUNNING};
    pool_job_set_state(&job, POOL_JOB_IDLE);
    pool_job_set_state(&job, POOL_JOB_IDLE);
}

static void child_legal_moves(void)
{
    struct conn *c = calloc(1, sizeof(*c));
    conn_set_state(c, CS_READING);
    conn_set_state(c, CS_PROCESSING);
    conn_set_state(c, CS_WRITING);
    conn_set_state(c, CS_IDLE);
    conn_set_state(c, CS_CLOSING);
    free(c);
    struct pool_job job = {.state = POOL_JOB_IDLE};
    pool_job_set_state(&job, POOL_JOB_QUEUED);
    pool_job_set_state(&job, POOL_JOB_RUNNING);
    pool_job_set_state(&job, POOL_JOB_IDLE);
}

static void test_set_state_asserts(void **state)
{
    (void)state;
    assert_int_equal(run_child(child_legal_moves), 0);
#ifdef NDEBUG
    /* Release build: the checks are compiled out, an illegal move is not caught here. */
    assert_int_equal(run_child(child_second_answer), 0);
    assert_int_equal(run_child(child_job_done_twice), 0);
#else
    assert_int_equal(run_child(child_second_answer), SIGABRT);
    assert_int_equal(run_child(child_job_done_twice), SIGABRT);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conn_request_cycle),
        cmocka_unit_test(test_conn_illegal_moves),
        cmocka_unit_test(test_pool_job_moves),
        cmocka_unit_test(test_set_state_asserts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
