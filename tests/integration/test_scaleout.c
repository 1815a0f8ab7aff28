/* test_scaleout.c — the runner is stateless: nginx on loopback balances two runner instances, one
 * is killed (SIGKILL) in the middle of a bounded load, and every request still gets its correct
 * answer.
 *
 * POST retries are made safe by nginx's `proxy_next_upstream error timeout non_idempotent`: a
 * request whose upstream connection fails (refused, reset, closed before a response) is sent again
 * to the other instance. That is correct for pure hooks (same input, same output, no side effect),
 * which is what the conformance echo is; a hook with side effects must be idempotent by external
 * id (as the sfns hooks are) before such retries are turned on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/harness.h"

#define THREADS    4
#define PER_THREAD 150
#define KILL_AFTER 120 /* total answered requests before instance A is killed */

static const char *find_nginx(void)
{
    static const char *const paths[] = {"/usr/sbin/nginx", "/usr/bin/nginx", NULL};
    for (int i = 0; paths[i]; i++) {
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    }
    return NULL;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int port = ntohs(a.sin_port);
    close(fd);
    return port;
}

struct load {
    struct hst_server *lb;
    int thread;
    int ok, wrong, failed;
    char first_problem[512];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int answered;

static void *load_thread(void *arg)
{
    struct load *l = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char body[256], want[256];
        int id = l->thread * 100000 + i;
        snprintf(body, sizeof(body),
                 "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\","
                 "\"options\":{\"record\":%d,\"thread\":%d}}",
                 id, l->thread);
        snprintf(want, sizeof(want), "[{\"record\":%d,\"thread\":%d,\"function\":\"doSomething\"}]",
                 id, l->thread);
        struct hst_response r;
        int rc = hst_post_function(l->lb, body, &r);
        if (rc != 0 || r.curl_code != 0) {
            l->failed++;
            if (!l->first_problem[0])
                snprintf(l->first_problem, sizeof(l->first_problem),
                         "request %d: transfer failed (curl %d)", id, r.curl_code);
        } else if (r.status != 200 || strcmp(r.body, want) != 0) {
            l->wrong++;
            if (!l->first_problem[0])
                snprintf(l->first_problem, sizeof(l->first_problem),
                         "request %d: status %ld body %.300s", id, r.status, r.body);
        } else {
            l->ok++;
        }
        hst_response_free(&r);
        pthread_mutex_lock(&lock);
        answered++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void test_kill_one_instance_under_load(void **state)
{
    (void)state;
    const char *nginx = find_nginx();
    if (nginx == NULL) {
        /* make test installs nginx-light; reaching this means a broken install, not a pass. */
        fail_msg("nginx not found: install the Debian package nginx-light (make deps does)");
    }
    struct hst_server a, b;
    assert_int_equal(hst_server_start(&a, NULL, NULL), 0);
    assert_int_equal(hst_server_start(&b, NULL, NULL), 0);

    char dir[] = "/tmp/hs-nginx-XXXXXX";
    assert_non_null(mkdtemp(dir));
    int port = free_port();
    assert_true(port > 0);
    char conf[512];
    snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            "error_log %s/error.log warn;\npid %s/nginx.pid;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "  access_log off;\n"
            "  client_body_temp_path %s/body; proxy_temp_path %s/proxy;\n"
            "  fastcgi_temp_path %s/fcgi; uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;\n"
            "  client_max_body_size 50m;\n"
            "  upstream hookstack {\n"
            "    server 127.0.0.1:%d max_fails=1 fail_timeout=30s;\n"
            "    server 127.0.0.1:%d max_fails=1 fail_timeout=30s;\n"
            "    keepalive 16;\n"
            "  }\n"
            "  server {\n"
            "    listen 127.0.0.1:%d;\n"
            "    location / {\n"
            "      proxy_pass http://hookstack;\n"
            "      proxy_http_version 1.1;\n"
            "      proxy_set_header Connection \"\";\n"
            "      proxy_next_upstream error timeout non_idempotent;\n"
            "      proxy_next_upstream_tries 2;\n"
            "      proxy_connect_timeout 2s;\n"
            "      proxy_read_timeout 330s;\n"
            "    }\n"
            "  }\n"
            "}\n",
            dir, dir, dir, dir, dir, dir, dir, a.port, b.port, port);
    fclose(f);

    pid_t ng = fork();
    assert_true(ng >= 0);
    if (ng == 0) {
        execl(nginx, nginx, "-p", dir, "-c", conf, (char *)NULL);
        _exit(127);
    }
    /* Wait until nginx accepts. */
    struct hst_server lb;
    memset(&lb, 0, sizeof(lb));
    snprintf(lb.host, sizeof(lb.host), "127.0.0.1");
    lb.port = port;
    lb.pid = -1;
    int up = 0;
    for (int i = 0; i < 100 && !up; i++) {
        int fd = hst_connect(&lb);
        if (fd >= 0) {
            close(fd);
            up = 1;
        } else {
            usleep(50 * 1000);
        }
    }
    assert_true(up);

    struct load loads[THREADS];
    pthread_t th[THREADS];
    answered = 0;
    for (int t = 0; t < THREADS; t++) {
        memset(&loads[t], 0, sizeof(loads[t]));
        loads[t].lb = &lb;
        loads[t].thread = t;
        assert_int_equal(pthread_create(&th[t], NULL, load_thread, &loads[t]), 0);
    }
    /* Kill instance A in the middle of the load, with requests in flight. */
    for (;;) {
        pthread_mutex_lock(&lock);
        int n = answered;
        pthread_mutex_unlock(&lock);
        if (n >= KILL_AFTER)
            break;
        usleep(1000);
    }
    hst_server_stop(&a, SIGKILL, 5000);
    int ok = 0, wrong = 0, failed = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        ok += loads[t].ok;
        wrong += loads[t].wrong;
        failed += loads[t].failed;
        if (loads[t].first_problem[0])
            fprintf(stderr, "thread %d: %s\n", t, loads[t].first_problem);
    }
    fprintf(stderr,
            "scale-out: %d correct, %d wrong, %d failed of %d (instance A killed after %d)\n", ok,
            wrong, failed, THREADS * PER_THREAD, KILL_AFTER);

    /* B must still be healthy and must have served after A died. */
    struct hst_response r;
    assert_int_equal(hst_request(&b, "GET", "/healthCheck", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);

    kill(ng, SIGTERM);
    int st;
    waitpid(ng, &st, 0);
    hst_server_stop(&b, 0, 10000);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);

    assert_int_equal(wrong, 0);
    assert_int_equal(failed, 0);
    assert_int_equal(ok, THREADS * PER_THREAD);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_one_instance_under_load),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
