/* test_acl.c -- authentication and the ACL over real sockets: requirepass,
 * AUTH and HELLO AUTH with good and bad credentials, unknown users, users
 * from `user` lines, denied commands and keys (movable keys included),
 * failed attempts counted in INFO and recorded in ACL LOG, clients of a
 * deleted user disconnected, protected mode seen from a second loopback
 * address (127.0.0.2), and rename-command.
 *
 * The replies that Redis 7.0 gives the same way are compared with it in
 * redis-compat/acl.script; here are the parts a script cannot reach:
 * start-up options, other source addresses, disconnections, INFO. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define NOAUTH "NOAUTH Authentication required."
#define WRONGPASS "WRONGPASS invalid username-password pair or user is disabled."
#define NOPERM_KEY "NOPERM this user has no permissions to access one of the keys used as arguments"

static void expect_bulk(redisContext *c, const char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    ck_assert_ptr_nonnull(r);
    if (r->type != REDIS_REPLY_STRING)
        ck_abort_msg("%s: expected \"%s\", got type %d '%s'", fmt, s, r->type, r->str ? r->str : "");
    ck_assert_str_eq(r->str, s);
    freeReplyObject(r);
}

/* A raw TCP connection from source address src to the server at dst. */
static int connect_from(const char *src, const char *dst, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, src, &sa.sin_addr);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, dst, &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send PING on a connection from src to dst and read until the server
 * closes or 2 s pass.  Returns the bytes read; *closed says whether the
 * server closed the connection. */
static int ping_from(const char *src, const char *dst, int port, char *buf, size_t cap,
                     int *closed)
{
    int fd = connect_from(src, dst, port);
    ck_assert_msg(fd >= 0, "connect from %s to %s: %s", src, dst, strerror(errno));
    ck_assert_int_eq(write(fd, "PING\r\n", 6), 6);
    size_t got = 0;
    *closed = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) <= 0)
            break;
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n <= 0) {
            *closed = 1;
            break;
        }
        got += (size_t)n;
        if (got >= 7 && buf[0] == '+')
            break; /* +PONG: a served client stays connected */
    }
    buf[got] = '\0';
    close(fd);
    return (int)got;
}

/* 1 once the server has closed c (a command gets no reply). */
static int conn_closed(redisContext *c)
{
    redisReply *r = redisCommand(c, "PING");
    if (r) {
        freeReplyObject(r);
        return 0;
    }
    return 1;
}

/* --- requirepass, AUTH, HELLO -------------------------------------------- */

START_TEST(requirepass_and_auth)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *admin = test_connect(&s);
    test_status(admin, "OK", "CONFIG SET requirepass %s", "s3cret");
    /* The client that set it stays authenticated; a new one must AUTH. */
    test_status(admin, "PONG", "PING");
    redisContext *c = test_connect(&s);
    test_error(c, NOAUTH, "PING");
    test_error(c, NOAUTH, "XADD s * f v");
    test_error(c, WRONGPASS, "AUTH wrong");
    test_error(c, WRONGPASS, "AUTH default wrong");
    test_error(c, WRONGPASS, "AUTH nobody s3cret");
    test_error(c, NOAUTH, "PING");
    test_error(c, "NOAUTH HELLO must be called with the client already authenticated, "
                  "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate "
                  "the client and select the RESP protocol version at the same time",
               "HELLO 2");
    test_error(c, WRONGPASS, "HELLO 2 AUTH default nope");
    redisReply *r = test_cmd(c, "HELLO 2 AUTH default s3cret SETNAME app");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    test_status(c, "PONG", "PING");
    expect_bulk(c, "app", "CLIENT GETNAME");
    /* Four failures: three AUTH, one HELLO AUTH. */
    ck_assert_int_eq(test_info_ll(admin, "acl_access_denied_auth"), 4);
    r = test_cmd(admin, "ACL LOG");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_ge(r->elements, 3);
    const redisReply *newest = r->element[0];
    ck_assert_str_eq(test_map_field(newest, "reason")->str, "auth");
    ck_assert_str_eq(test_map_field(newest, "object")->str, "HELLO");
    ck_assert_str_eq(test_map_field(newest, "username")->str, "default");
    freeReplyObject(r);
    /* A RESET client is back to unauthenticated. */
    test_status(c, "RESET", "RESET");
    test_error(c, NOAUTH, "PING");
    test_status(c, "OK", "AUTH %s", "s3cret");
    /* Back to no password: new clients need no AUTH, AUTH <pw> is an error. */
    test_status(admin, "OK", "CONFIG SET requirepass %s", "");
    redisContext *d = test_connect(&s);
    test_status(d, "PONG", "PING");
    test_error(d, "ERR AUTH <password> called without any password configured for the "
                  "default user. Are you sure your configuration is correct?",
               "AUTH x");
    redisFree(admin);
    redisFree(c);
    redisFree(d);
    test_server_stop(&s);
}
END_TEST

/* requirepass on the command line: every client, the first one included,
 * must authenticate; CONFIG GET shows it. */
START_TEST(requirepass_at_startup)
{
    struct test_server s;
    const char *const extra[] = {"--requirepass", "boot-pw", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *c = test_connect(&s);
    test_error(c, NOAUTH, "PING");
    test_error(c, NOAUTH, "CONFIG GET requirepass");
    test_error(c, WRONGPASS, "AUTH boot");
    test_status(c, "OK", "AUTH %s", "boot-pw");
    test_status(c, "PONG", "PING");
    redisReply *r = test_cmd(c, "CONFIG GET requirepass");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 2);
    ck_assert_str_eq(r->element[1]->str, "boot-pw");
    freeReplyObject(r);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

/* --- users from the configuration ---------------------------------------- */

START_TEST(config_users_and_permissions)
{
    struct test_server s;
    const char *extra[] = {"--user", "alice", "on", ">apw", "~s:*", "%R~r:*", "+@read", "+xadd",
                           "+auth", "+client|id", "+acl|whoami", "--user", "bob", "off", ">bpw", "+@all",
                           "allkeys", "--acllog-max-len", "3", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *admin = test_connect(&s);
    redisContext *c = test_connect(&s);
    test_status(c, "OK", "AUTH alice apw");
    expect_bulk(c, "alice", "ACL WHOAMI");
    /* Keys: written under s:*, read under r:*, nothing else. */
    redisReply *r = test_cmd(c, "XADD s:1 1-1 f v");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
    test_error(c, NOPERM_KEY, "XADD other 1-1 f v");
    test_error(c, NOPERM_KEY, "XADD r:1 1-1 f v");
    r = test_cmd(c, "XRANGE r:1 - +");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    /* Movable keys: XREAD's keys come after STREAMS. */
    r = test_cmd(c, "XREAD COUNT 1 STREAMS s:1 r:1 0 0");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    test_error(c, NOPERM_KEY, "XREAD COUNT 1 STREAMS s:1 zz 0 0");
    /* Commands. */
    test_error(c, "NOPERM this user has no permissions to run the 'del' command", "DEL s:1");
    test_error(c, "NOPERM this user has no permissions to run the 'client|list' command",
               "CLIENT LIST");
    r = test_cmd(c, "CLIENT ID");
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    freeReplyObject(r);
    /* CLIENT LIST shows who is who. */
    r = test_cmd(admin, "CLIENT LIST");
    ck_assert_ptr_nonnull(strstr(r->str, "user=alice"));
    ck_assert_ptr_nonnull(strstr(r->str, "user=default"));
    freeReplyObject(r);
    /* bob is off: his password does not let him in. */
    test_error(c, WRONGPASS, "AUTH bob bpw");
    expect_bulk(c, "alice", "ACL WHOAMI");
    ck_assert_int_eq(test_info_ll(admin, "acl_access_denied_cmd"), 2);
    ck_assert_int_eq(test_info_ll(admin, "acl_access_denied_key"), 3);
    ck_assert_int_eq(test_info_ll(admin, "acl_access_denied_auth"), 1);
    /* acllog-max-len 3 keeps the three newest entries. */
    r = test_cmd(admin, "ACL LOG 100");
    ck_assert_int_eq(r->elements, 3);
    ck_assert_str_eq(test_map_field(r->element[0], "reason")->str, "auth");
    ck_assert_str_eq(test_map_field(r->element[1], "object")->str, "client|list");
    ck_assert_str_eq(test_map_field(r->element[2], "object")->str, "del");
    ck_assert_ptr_nonnull(strstr(test_map_field(r->element[2], "client-info")->str, "user=alice"));
    freeReplyObject(r);
    /* Turning bob on lets him in. */
    test_status(admin, "OK", "ACL SETUSER bob on");
    test_status(c, "OK", "AUTH bob bpw");
    r = test_cmd(c, "DEL s:1");
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    freeReplyObject(r);
    r = test_cmd(admin, "ACL LIST");
    ck_assert_int_eq(r->elements, 3);
    ck_assert_str_eq(r->element[0]->str,
                     "user alice on #e528e908837a6f2c169a132a07f95107a5cc523f61d09d028c2fa799aeef4257"
                     " ~s:* %R~r:* resetchannels -@all +@read +client|id +auth +acl|whoami +xadd");
    freeReplyObject(r);
    redisFree(admin);
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

START_TEST(bad_user_line_stops_startup)
{
    struct test_server s;
    const char *extra[] = {"--user", "carol", "on", "+nosuchcommand", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), -1);
    char *log = test_read_file(s.log, NULL);
    ck_assert_ptr_nonnull(log);
    ck_assert_ptr_nonnull(strstr(log, "Error in user declaration '+nosuchcommand': Unknown "
                                      "command or category name in ACL"));
    free(log);
    test_server_stop(&s);
}
END_TEST

/* --- deleting a user disconnects its clients --------------------------- */

START_TEST(deluser_disconnects)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *admin = test_connect(&s);
    test_status(admin, "OK", "ACL SETUSER k on >p +@all ~*");
    redisContext *a = test_connect(&s), *b = test_connect(&s), *other = test_connect(&s);
    test_status(a, "OK", "AUTH k p");
    test_status(b, "OK", "AUTH k p");
    /* Turning the user off or changing its password does not (Redis 7.0). */
    test_status(admin, "OK", "ACL SETUSER k off resetpass");
    test_status(a, "PONG", "PING");
    redisReply *r = test_cmd(admin, "ACL DELUSER k");
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    ck_assert(conn_closed(a));
    ck_assert(conn_closed(b));
    test_status(other, "PONG", "PING");
    /* A client deleting its own user gets its reply, then goes. */
    test_status(admin, "OK", "ACL SETUSER self on >p +@all ~*");
    redisContext *me = test_connect(&s);
    test_status(me, "OK", "AUTH self p");
    r = test_cmd(me, "ACL DELUSER self");
    ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    ck_assert(conn_closed(me));
    /* CLIENT KILL USER. */
    test_status(admin, "OK", "ACL SETUSER kk on >p +@all ~*");
    redisContext *x = test_connect(&s);
    test_status(x, "OK", "AUTH kk p");
    r = test_cmd(admin, "CLIENT KILL USER kk");
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    ck_assert(conn_closed(x));
    test_error(admin, "ERR No such user 'nosuch'", "CLIENT KILL USER nosuch");
    redisFree(a);
    redisFree(b);
    redisFree(me);
    redisFree(x);
    redisFree(other);
    redisFree(admin);
    test_server_stop(&s);
}
END_TEST

/* SETUSER taking channels away disconnects the user's subscribers that
 * hold a channel or pattern no longer allowed (Redis 7.0). */
START_TEST(narrowed_channels_disconnect_subscribers)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *admin = test_connect(&s);
    test_status(admin, "OK", "ACL SETUSER sk on nopass +@all ~* resetchannels &a* &b*");
    redisContext *chan = test_connect(&s), *pat = test_connect(&s);
    test_status(chan, "OK", "AUTH sk x");
    test_status(pat, "OK", "AUTH sk x");
    redisReply *r = test_cmd(chan, "SUBSCRIBE a1");
    freeReplyObject(r);
    r = test_cmd(pat, "PSUBSCRIBE a*");
    freeReplyObject(r);
    test_status(admin, "OK", "ACL SETUSER sk resetchannels &a*");
    ck_assert(!conn_closed(chan));
    ck_assert(!conn_closed(pat));
    /* a1 is still allowed; the pattern a* is not one of the user's. */
    test_status(admin, "OK", "ACL SETUSER sk resetchannels &a1");
    ck_assert(!conn_closed(chan));
    ck_assert(conn_closed(pat));
    test_status(admin, "OK", "ACL SETUSER sk resetchannels &c");
    ck_assert(conn_closed(chan));
    redisFree(chan);
    redisFree(pat);
    redisFree(admin);
    test_server_stop(&s);
}
END_TEST

/* --- protected mode -------------------------------------------------------- */

START_TEST(protected_mode)
{
    struct test_server s;
    const char *extra[] = {"--bind", "127.0.0.1 127.0.0.2", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    char buf[4096];
    int closed;
    /* Redis 7.0: only 127.0.0.1 and ::1 are local; an explicit bind does
     * not turn protected mode off. */
    ping_from("127.0.0.2", "127.0.0.1", s.port, buf, sizeof(buf), &closed);
    ck_assert_msg(strncmp(buf, "-DENIED Redis is running in protected mode because protected "
                               "mode is enabled and no password is set for the default user.",
                          112) == 0,
                  "got: %s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "4) Setup a an authentication password for the default "
                                      "user. NOTE: You only need to do one of the above things in "
                                      "order for the server to start accepting connections from "
                                      "the outside.\r\n"));
    ck_assert_int_eq(closed, 1);
    ping_from("127.0.0.2", "127.0.0.2", s.port, buf, sizeof(buf), &closed);
    ck_assert(strncmp(buf, "-DENIED", 7) == 0);
    /* From 127.0.0.1, to either address: served. */
    ping_from("127.0.0.1", "127.0.0.2", s.port, buf, sizeof(buf), &closed);
    ck_assert_str_eq(buf, "+PONG\r\n");
    ping_from("127.0.0.1", "127.0.0.1", s.port, buf, sizeof(buf), &closed);
    ck_assert_str_eq(buf, "+PONG\r\n");
    redisContext *admin = test_connect(&s);
    ck_assert_int_eq(test_info_ll(admin, "rejected_connections"), 2);
    /* A password for the default user lifts it (the client must AUTH). */
    test_status(admin, "OK", "CONFIG SET requirepass pw");
    ping_from("127.0.0.2", "127.0.0.1", s.port, buf, sizeof(buf), &closed);
    ck_assert_str_eq(buf, "-" NOAUTH "\r\n");
    test_status(admin, "OK", "CONFIG SET requirepass %s", "");
    ping_from("127.0.0.2", "127.0.0.1", s.port, buf, sizeof(buf), &closed);
    ck_assert(strncmp(buf, "-DENIED", 7) == 0);
    /* So does protected-mode no. */
    test_status(admin, "OK", "CONFIG SET protected-mode no");
    ping_from("127.0.0.2", "127.0.0.1", s.port, buf, sizeof(buf), &closed);
    ck_assert_str_eq(buf, "+PONG\r\n");
    redisFree(admin);
    test_server_stop(&s);
}
END_TEST

/* --- rename-command ----------------------------------------------------- */

START_TEST(rename_command)
{
    struct test_server s;
    const char *extra[] = {"--rename-command", "FLUSHALL", "", "--rename-command", "config",
                           "Cfg", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *c = test_connect(&s);
    test_error(c, "ERR unknown command 'FLUSHALL', with args beginning with: ", "FLUSHALL");
    test_error(c, "ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' ",
               "CONFIG GET port");
    redisReply *r = test_cmd(c, "CFG GET port");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->elements, 2);
    freeReplyObject(r);
    r = test_cmd(c, "cfg get port");
    ck_assert_int_eq(r->elements, 2);
    freeReplyObject(r);
    /* Errors and the ACL keep the command's own name. */
    test_error(c, "ERR unknown subcommand 'nosuch'. Try CONFIG HELP.", "CFG nosuch");
    r = test_cmd(c, "ACL DRYRUN default cfg get port");
    ck_assert_int_eq(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    redisFree(c);
    test_server_stop(&s);

    const char *bad[] = {"--rename-command", "nosuch", "x", NULL};
    ck_assert_int_eq(test_server_start(&s, bad), -1);
    char *log = test_read_file(s.log, NULL);
    ck_assert_ptr_nonnull(strstr(log, "No such command in rename-command"));
    free(log);
    test_server_stop(&s);
    const char *taken[] = {"--rename-command", "get", "set", NULL};
    ck_assert_int_eq(test_server_start(&s, taken), -1);
    log = test_read_file(s.log, NULL);
    ck_assert_ptr_nonnull(strstr(log, "Target command name already exists"));
    free(log);
    test_server_stop(&s);
}
END_TEST

static Suite *acl_suite(void)
{
    Suite *s = suite_create("acl");
    TCase *tc = tcase_create("acl");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, requirepass_and_auth);
    tcase_add_test(tc, requirepass_at_startup);
    tcase_add_test(tc, config_users_and_permissions);
    tcase_add_test(tc, bad_user_line_stops_startup);
    tcase_add_test(tc, deluser_disconnects);
    tcase_add_test(tc, narrowed_channels_disconnect_subscribers);
    tcase_add_test(tc, protected_mode);
    tcase_add_test(tc, rename_command);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(acl_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
