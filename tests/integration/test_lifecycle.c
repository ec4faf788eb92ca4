/* test_lifecycle.c -- start-up and shutdown: config errors stop start-up
 * with file, line and reason; unix sockets with their permissions and TCP
 * off; SIGTERM exits cleanly; the soft output-buffer limit. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

START_TEST(bad_config_stops_startup)
{
    char dir[] = "/tmp/runnel-cfg-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/bad.conf", dir);
    FILE *f = fopen(path, "w");
    fputs("# comment\nport 7000\nno-such-directive yes\n", f);
    fclose(f);
    const char *args[] = {test_server_bin(), path, NULL};
    char out[4096];
    int rc = test_server_run_to_exit(args, out, sizeof(out));
    ck_assert_int_ne(rc, 0);
    ck_assert_msg(strstr(out, "FATAL CONFIG FILE ERROR"), "%s", out);
    ck_assert_msg(strstr(out, "bad.conf"), "%s", out);
    ck_assert_msg(strstr(out, "at line 3"), "%s", out);
    ck_assert_msg(strstr(out, "Bad directive or wrong number of arguments"), "%s", out);

    f = fopen(path, "w");
    fputs("port 99999\n", f);
    fclose(f);
    rc = test_server_run_to_exit(args, out, sizeof(out));
    ck_assert_int_ne(rc, 0);
    ck_assert_msg(strstr(out, "argument must be between 0 and 65535 inclusive"), "%s", out);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(unix_socket_only_and_sigterm)
{
    char dir[] = "/tmp/runnel-unix-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sock[128], log[128];
    snprintf(sock, sizeof(sock), "%s/runnel.sock", dir);
    snprintf(log, sizeof(log), "%s/log", dir);
    const char *args[] = {test_server_bin(), "--port", "0", "--unixsocket", sock,
                          "--unixsocketperm", "700", "--dir", dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(test_server_bin(), (char *const *)args);
        _exit(127);
    }
    redisContext *c = NULL;
    for (int i = 0; i < 500 && !c; i++) {
        c = redisConnectUnix(sock);
        if (c && c->err) {
            redisFree(c);
            c = NULL;
            usleep(10000);
        }
    }
    ck_assert_ptr_nonnull(c);
    redisReply *r = redisCommand(c, "PING");
    ck_assert_str_eq(r->str, "PONG");
    freeReplyObject(r);
    r = redisCommand(c, "CLIENT INFO");
    ck_assert_msg(strstr(r->str, "flags=U"), "%s", r->str);
    freeReplyObject(r);
    struct stat st;
    ck_assert_int_eq(stat(sock, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    redisFree(c);

    kill(pid, SIGTERM);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    /* The socket file is removed on shutdown. */
    ck_assert_int_ne(stat(sock, &st), 0);
    char buf[8192] = {0};
    FILE *f = fopen(log, "r");
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    ck_assert_msg(strstr(buf, "Received SIGTERM scheduling shutdown..."), "%s", buf);
    ck_assert_msg(strstr(buf, "ready to exit"), "%s", buf);
    unlink(log);
    rmdir(dir);
}
END_TEST

START_TEST(soft_output_limit)
{
    struct test_server srv;
    const char *extra[] = {"--client-output-buffer-limit", "normal 0 256kb 1", NULL};
    ck_assert_int_eq(test_server_start(&srv, extra), 0);
    redisContext *ctl = test_connect(&srv);
    /* A client that keeps asking for replies (up to 40 MB, more than the
     * kernel's socket buffers hold) and never reads stays over the soft
     * limit for more than a second and is closed. */
    int fd = test_raw_connect(&srv);
    char *val = malloc(100000);
    memset(val, 's', 100000);
    char head[64];
    int hl = snprintf(head, sizeof(head), "*2\r\n$4\r\nECHO\r\n$100000\r\n");
    fcntl(fd, F_SETFL, O_NONBLOCK);
    signal(SIGPIPE, SIG_IGN);
    int closed = 0;
    for (int i = 0; i < 400 && !closed; i++) {
        const char *parts[3] = {head, val, "\r\n"};
        size_t lens[3] = {(size_t)hl, 100000, 2};
        for (int k = 0; k < 3 && !closed; k++) {
            size_t off = 0;
            for (int spins = 0; off < lens[k] && spins < 200; spins++) {
                ssize_t w = write(fd, parts[k] + off, lens[k] - off);
                if (w > 0)
                    off += (size_t)w;
                else if (w < 0 && errno != EAGAIN)
                    closed = 1;
                else
                    usleep(10000);
            }
            if (off < lens[k])
                closed = 1; /* the server stopped reading: it is closing us */
        }
    }
    free(val);
    ck_assert_int_eq(test_wait_info(ctl, "client_output_buffer_limit_disconnections", 1, 6000), 0);
    close(fd);
    redisFree(ctl);
    ck_assert_int_eq(test_server_stop(&srv), 0);
}
END_TEST

static Suite *lifecycle_suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, bad_config_stops_startup);
    tcase_add_test(tc, unix_socket_only_and_sigterm);
    tcase_add_test(tc, soft_output_limit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lifecycle_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
