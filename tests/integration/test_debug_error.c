/* test_debug_error.c -- DEBUG ERROR <string>, the command client libraries'
 * test suites (redis-py's test_connection_pool.py: LOADING, READONLY and
 * AUTH errors) use to make the server answer an error of their choosing.
 * Runnel's bytes are compared with the oracle's (Redis 7.0), both started
 * with --enable-debug-command yes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* DEBUG ERROR with a message that has CR/LF inside and at both ends, one
 * that starts with '-', an empty one, then INFO errorstats, then QUIT. */
static const char debug_error_requests[] =
    "*3\r\n$5\r\nDEBUG\r\n$5\r\nERROR\r\n$6\r\n\r\na\nb\r\r\n"
    "*3\r\n$5\r\nDEBUG\r\n$5\r\nERROR\r\n$4\r\n-x y\r\n"
    "*3\r\n$5\r\nDEBUG\r\n$5\r\nERROR\r\n$0\r\n\r\n"
    "*3\r\n$5\r\nDEBUG\r\n$5\r\nerror\r\n$20\r\nLOADING fake message\r\n"
    "*3\r\n$5\r\nDEBUG\r\n$5\r\nERROR\r\n$18\r\nREADONLY blah blah\r\n"
    "*4\r\n$5\r\nDEBUG\r\n$5\r\nERROR\r\n$1\r\na\r\n$1\r\nb\r\n"
    "*2\r\n$4\r\nINFO\r\n$10\r\nerrorstats\r\n"
    "*1\r\n$4\r\nQUIT\r\n";

static int raw_port(int port, char *buf, size_t cap)
{
    struct test_server s;
    memset(&s, 0, sizeof(s));
    s.port = port;
    return test_raw(&s, debug_error_requests, sizeof(debug_error_requests) - 1, buf, cap, 5000);
}

START_TEST(debug_error_bytes_as_redis)
{
    static const char *const args[] = {"--enable-debug-command", "yes", NULL};
    struct test_server srv;
    ck_assert_int_eq(test_server_start(&srv, args), 0);
    char dir[] = "/tmp/runnel-debugerr-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, dir, args), 0);

    static char ours[4096], theirs[4096];
    ck_assert_int_gt(raw_port(srv.port, ours, sizeof(ours)), 0);
    ck_assert_int_gt(raw_port(o.port, theirs, sizeof(theirs)), 0);
    test_oracle_stop(&o);
    test_server_stop(&srv);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);

    /* Redis's reply is "-" and the message as it is: no ERR added, a
     * leading '-' kept, CR/LF as spaces; a plain reply, absent from the
     * errorstats.  A wrong argument count is the usual error. */
    ck_assert_ptr_nonnull(strstr(ours, "-  a b \r\n--x y\r\n-\r\n-LOADING fake message\r\n"
                                       "-READONLY blah blah\r\n-ERR unknown subcommand"));
    test_assert_same(ours, theirs);
}
END_TEST

static Suite *debug_error_suite(void)
{
    Suite *s = suite_create("debug_error");
    TCase *tc = tcase_create("debug_error");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, debug_error_bytes_as_redis);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(debug_error_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
