/* test_repl_diskless.c -- the diskless full sync ($EOF:<mark> bulk from a
 * forked child through a pipe), repl-diskless-load, masterauth/masteruser
 * and repl-timeout: Runnel with Runnel, with Redis 7.0 (the oracle) both
 * ways, and with a fake master or replica on a raw socket where a peer must
 * misbehave (a cut or corrupt transfer, a replica that stops ACKing).
 *
 * Which form a sync took is read from the logs ("with target: replicas
 * sockets", "receiving streamed RDB"); data equality through XINFO STREAM
 * FULL views and XRANGE on both sides.  No assertion on timing. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static int wait_info(redisContext *c, const char *line, int ms)
{
    long long end = test_mono_ms() + ms;
    while (test_mono_ms() < end) {
        if (test_repl_info_has(c, line))
            return 1;
        test_sleep_ms(20);
    }
    return 0;
}

static int file_has(const char *path, const char *what)
{
    char *s = test_read_file(path, NULL);
    int has = s && strstr(s, what) != NULL;
    free(s);
    return has;
}

static void assert_log_has(const char *path, const char *what)
{
    ck_assert_msg(file_has(path, what), "%s does not say '%s'", path, what);
}

static int redis_master;

static void write_streams(redisContext *c)
{
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 1-2 type email to b");
    test_ok(c, "XADD jobs * type sms n 42");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 2 STREAMS jobs >");
    test_ok(c, "XACK jobs g 1-1");
    for (int i = 0; i < 200; i++)
        test_ok(c, "XADD audit * event e%d reading %d", i, i * 7);
    test_ok(c, "SET counter 17");
}

static void write_more(redisContext *c)
{
    test_ok(c, "XADD jobs * type push n 7");
    test_ok(c, "XREADGROUP GROUP g carol STREAMS jobs >");
    test_ok(c, "XDEL audit 0-1");
    test_ok(c, "XADD audit * after sync");
}

static void assert_same_data(redisContext *a, redisContext *b)
{
    test_repl_assert_same_stream(a, b, "jobs", redis_master);
    test_repl_assert_same_stream(a, b, "audit", redis_master);
}

static const char *const fast_diskless[] = {"--repl-diskless-sync", "yes",
                                            "--repl-diskless-sync-delay", "0", NULL};

/* Runnel -> Runnel, diskless on both ends; the default load (temp file)
 * and swapdb, the latter replacing the replica's own keys. */
static void runnel_pair(const char *load)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, fast_diskless), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    const char *const rargs[] = {"--repl-diskless-load", load, NULL};
    ck_assert_int_eq(test_server_start(&r, rargs), 0);
    redisContext *rc = test_connect(&r);
    test_ok(rc, "SET mine 1");
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, rc);
    assert_same_data(mc, rc);
    ck_assert_int_eq(test_int(rc, "EXISTS mine"), 0);
    ck_assert(test_repl_info_has(mc, "state=online"));
    assert_log_has(m.log, "with target: replicas sockets");
    assert_log_has(m.log, "Streamed RDB transfer with replica");
    assert_log_has(r.log, "receiving streamed RDB from master with EOF to");
    if (strcmp(load, "swapdb") == 0)
        assert_log_has(r.log, "EOF to memory");
    else
        assert_log_has(r.log, "EOF to disk");
    /* The stream after the RDB (sent once the replica ACKed). */
    write_more(mc);
    test_repl_wait_converged(mc, rc);
    assert_same_data(mc, rc);
    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}

START_TEST(test_runnel_diskless_disk_load)
{
    runnel_pair("disabled");
}
END_TEST

START_TEST(test_runnel_diskless_swapdb)
{
    runnel_pair("swapdb");
}
END_TEST

/* repl-diskless-sync no: the disk path, even for a capa eof replica. */
START_TEST(test_runnel_disk_sync_when_off)
{
    const char *const margs[] = {"--repl-diskless-sync", "no", NULL};
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    ck_assert_int_eq(test_server_start(&r, NULL), 0);
    redisContext *rc = test_connect(&r);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, rc);
    assert_same_data(mc, rc);
    assert_log_has(m.log, "with target: disk");
    ck_assert(!file_has(r.log, "streamed RDB"));
    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* Redis 7.0 as a replica of a diskless Runnel master (7.0 says capa eof). */
START_TEST(test_redis_replica_of_diskless_runnel)
{
    struct test_server m;
    ck_assert_int_eq(test_server_start(&m, fast_diskless), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, m.dir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    test_ok(oc, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, oc);
    assert_same_data(mc, oc);
    assert_log_has(m.log, "with target: replicas sockets");
    char rlog[400];
    snprintf(rlog, sizeof(rlog), "%s/redis.log", m.dir);
    assert_log_has(rlog, "receiving streamed RDB from master");
    write_more(mc);
    test_repl_wait_converged(mc, oc);
    assert_same_data(mc, oc);
    ck_assert_int_eq(test_int(mc, "WAIT 1 5000"), 1);
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

/* Runnel as a replica of a diskless Redis 7.0 master, both load modes. */
static void runnel_of_redis(const char *load)
{
    struct test_server r;
    const char *const rargs[] = {"--repl-diskless-load", load, NULL};
    ck_assert_int_eq(test_server_start(&r, rargs), 0);
    redisContext *rc = test_connect(&r);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, r.dir, fast_diskless), 0);
    redisContext *oc = test_oracle_connect(&o);
    redis_master = 1;
    write_streams(oc);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", o.port);
    test_repl_wait_converged(oc, rc);
    assert_same_data(oc, rc);
    assert_log_has(r.log, "receiving streamed RDB from master with EOF");
    write_more(oc);
    test_repl_wait_converged(oc, rc);
    assert_same_data(oc, rc);
    ck_assert_int_eq(test_int(oc, "WAIT 1 5000"), 1);
    redis_master = 0;
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(rc);
    test_server_stop(&r);
}

START_TEST(test_runnel_replica_of_diskless_redis)
{
    runnel_of_redis("disabled");
    runnel_of_redis("swapdb");
}
END_TEST

/* Two replicas share one slowed child (max-replicas 2); one is killed in
 * the middle of the transfer: the other and the master go on.  Then the
 * only replica of a second transfer dies: the child is killed, and the
 * next sync works. */
START_TEST(test_replica_killed_mid_transfer)
{
    const char *const margs[] = {"--repl-diskless-sync-delay", "30",
                                 "--repl-diskless-sync-max-replicas", "2",
                                 "--rdb-key-save-delay", "1500000", NULL};
    struct test_server m, r1, r2;
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    ck_assert_int_eq(test_server_start(&r1, NULL), 0);
    ck_assert_int_eq(test_server_start(&r2, NULL), 0);
    redisContext *c1 = test_connect(&r1), *c2 = test_connect(&r2);
    test_ok(c1, "REPLICAOF 127.0.0.1 %d", m.port);
    ck_assert(wait_info(mc, "slave0:", 10000));
    /* One waiting replica is not enough to start (delay 30 s). */
    ck_assert(test_repl_info_has(mc, "state=wait_bgsave"));
    ck_assert(!file_has(m.log, "Starting BGSAVE for SYNC"));
    test_ok(c2, "REPLICAOF 127.0.0.1 %d", m.port);
    long long end = test_mono_ms() + 10000;
    while (!file_has(m.log, "target: replicas sockets") && test_mono_ms() < end)
        test_sleep_ms(20);
    assert_log_has(m.log, "target: replicas sockets");
    ck_assert(wait_info(c1, "master_sync_in_progress:1", 10000));
    test_ok(mc, "XADD jobs * during transfer");
    ck_assert_int_eq(test_server_halt(&r1, SIGKILL), 128 + SIGKILL);
    test_repl_wait_converged(mc, c2);
    assert_same_data(mc, c2);
    ck_assert(test_repl_info_has(mc, "connected_slaves:1"));

    /* The last replica of a transfer leaves: the child goes. */
    test_ok(mc, "CONFIG SET repl-diskless-sync-max-replicas 1");
    test_ok(c2, "REPLICAOF NO ONE");
    redisFree(c2);
    test_server_halt(&r2, SIGKILL);
    ck_assert(wait_info(mc, "connected_slaves:0", 10000));
    struct test_server r3;
    ck_assert_int_eq(test_server_start(&r3, NULL), 0);
    redisContext *c3 = test_connect(&r3);
    test_ok(c3, "REPLICAOF 127.0.0.1 %d", m.port);
    ck_assert(wait_info(c3, "master_sync_in_progress:1", 10000));
    test_server_halt(&r3, SIGKILL);
    redisFree(c3);
    end = test_mono_ms() + 10000;
    while (!file_has(m.log, "last replica dropped, killing fork child") &&
           test_mono_ms() < end)
        test_sleep_ms(20);
    assert_log_has(m.log, "last replica dropped, killing fork child");
    ck_assert_int_eq(test_int(mc, "DBSIZE"), 3);
    test_ok(mc, "CONFIG SET rdb-key-save-delay 0");
    struct test_server r4;
    ck_assert_int_eq(test_server_start(&r4, NULL), 0);
    redisContext *c4 = test_connect(&r4);
    test_ok(c4, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, c4);
    assert_same_data(mc, c4);
    redisFree(c4);
    redisFree(c1);
    redisFree(mc);
    test_server_stop(&r4);
    test_server_stop(&r3);
    test_server_stop(&r2);
    test_server_stop(&r1);
    test_server_stop(&m);
}
END_TEST

/* masterauth against requirepass, masteruser against an ACL user, a wrong
 * password retried once it is fixed, and Redis 7.0 with masterauth. */
START_TEST(test_masterauth)
{
    const char *const margs[] = {"--requirepass", "s3cret", "--repl-diskless-sync-delay", "0",
                                 NULL};
    struct test_server m, r1, r2;
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    test_ok(mc, "AUTH s3cret");
    test_ok(mc, "ACL SETUSER repl on >rpw ~* &* +@all");
    write_streams(mc);

    const char *const a1[] = {"--masterauth", "wrong", NULL};
    ck_assert_int_eq(test_server_start(&r1, a1), 0);
    redisContext *c1 = test_connect(&r1);
    test_ok(c1, "REPLICAOF 127.0.0.1 %d", m.port);
    long long end = test_mono_ms() + 10000;
    while (!file_has(r1.log, "Unable to AUTH to MASTER") && test_mono_ms() < end)
        test_sleep_ms(20);
    assert_log_has(r1.log, "Unable to AUTH to MASTER: -WRONGPASS");
    ck_assert(test_repl_info_has(c1, "master_link_status:down"));
    test_ok(c1, "CONFIG SET masterauth s3cret");
    test_repl_wait_converged(mc, c1);
    assert_same_data(mc, c1);

    const char *const a2[] = {"--masteruser", "repl", "--masterauth", "rpw", NULL};
    ck_assert_int_eq(test_server_start(&r2, a2), 0);
    redisContext *c2 = test_connect(&r2);
    test_ok(c2, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, c2);
    assert_same_data(mc, c2);
    redisReply *x = test_cmd(mc, "CLIENT LIST TYPE replica");
    ck_assert_int_eq(x->type, REDIS_REPLY_STRING);
    ck_assert_msg(strstr(x->str, "user=repl") != NULL, "%s", x->str);
    freeReplyObject(x);

    /* A replica without the password gets nowhere. */
    struct test_server r3;
    ck_assert_int_eq(test_server_start(&r3, NULL), 0);
    redisContext *c3 = test_connect(&r3);
    test_ok(c3, "REPLICAOF 127.0.0.1 %d", m.port);
    end = test_mono_ms() + 10000;
    while (!file_has(r3.log, "NOAUTH") && test_mono_ms() < end)
        test_sleep_ms(20);
    assert_log_has(r3.log, "NOAUTH");
    ck_assert(test_repl_info_has(c3, "master_link_status:down"));

    struct test_oracle o;
    const char *const oargs[] = {"--masterauth", "s3cret", NULL};
    ck_assert_int_eq(test_oracle_start(&o, m.dir, oargs), 0);
    redisContext *oc = test_oracle_connect(&o);
    test_ok(oc, "REPLICAOF 127.0.0.1 %d", m.port);
    write_more(mc);
    test_repl_wait_converged(mc, oc);
    assert_same_data(mc, oc);
    test_repl_wait_converged(mc, c1);
    assert_same_data(mc, c1);

    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(c3);
    redisFree(c2);
    redisFree(c1);
    redisFree(mc);
    test_server_stop(&r3);
    test_server_stop(&r2);
    test_server_stop(&r1);
    test_server_stop(&m);
}
END_TEST

/* Runnel replica of a Redis 7.0 master with requirepass. */
START_TEST(test_masterauth_redis_master)
{
    struct test_server r;
    const char *const rargs[] = {"--masterauth", "pw7", NULL};
    ck_assert_int_eq(test_server_start(&r, rargs), 0);
    redisContext *rc = test_connect(&r);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, r.dir, fast_diskless), 0);
    redisContext *oc = test_oracle_connect(&o);
    /* Set after the start (the harness's readiness PING has no password). */
    test_ok(oc, "CONFIG SET requirepass pw7");
    redis_master = 1;
    write_streams(oc);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", o.port);
    test_repl_wait_converged(oc, rc);
    assert_same_data(oc, rc);
    redis_master = 0;
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(rc);
    test_server_stop(&r);
}
END_TEST

/* --- Raw-socket peers ------------------------------------------------- */

static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(fd, 4), 0);
    socklen_t l = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    return fd;
}

static int accept_within(int lfd, int ms)
{
    struct pollfd p = {lfd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0)
        return -1;
    return accept(lfd, NULL, NULL);
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        ck_assert_int_gt(w, 0);
        p += w;
        n -= (size_t)w;
    }
}

/* Play a master's handshake up to +FULLRESYNC: answer each command of the
 * replica (PING, REPLCONF..., PSYNC).  1 when PSYNC came. */
static int fake_master_handshake(int fd)
{
    char buf[4096];
    size_t len = 0;
    long long end = test_mono_ms() + 10000;
    while (test_mono_ms() < end) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n <= 0)
            return 0;
        len += (size_t)n;
        buf[len] = '\0';
        /* Each whole command: "*N\r\n" then N bulks; the name is the first. */
        for (;;) {
            char *s = buf;
            if (len == 0)
                break;
            if (s[0] != '*')
                return 0;
            int argc = atoi(s + 1);
            char *q = strstr(s, "\r\n");
            char name[32] = "";
            int whole = q != NULL;
            for (int i = 0; whole && i < argc; i++) {
                q += 2;
                if (q >= buf + len || *q != '$') {
                    whole = 0;
                    break;
                }
                long bl = atol(q + 1);
                char *d = strstr(q, "\r\n");
                if (!d || d + 2 + bl + 2 > buf + len) {
                    whole = 0;
                    break;
                }
                if (i == 0)
                    snprintf(name, sizeof(name), "%.*s", (int)bl, d + 2);
                q = d + 2 + bl;
            }
            if (!whole)
                break;
            q += 2;
            memmove(buf, q, (size_t)(buf + len - q));
            len = (size_t)(buf + len - q);
            buf[len] = '\0';
            if (strcasecmp(name, "PING") == 0) {
                send_all(fd, "+PONG\r\n", 7);
            } else if (strcasecmp(name, "PSYNC") == 0) {
                const char *r = "+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n";
                send_all(fd, r, strlen(r));
                return 1;
            } else {
                send_all(fd, "+OK\r\n", 5);
            }
        }
    }
    return 0;
}

#define MARK "abcdefghijabcdefghijabcdefghijabcdefghij"

/* A fake master cuts a diskless transfer, then sends a corrupt one: the
 * replica's own data survives both, in both load modes. */
static void cut_and_corrupt(const char *load)
{
    int port;
    int lfd = listen_any(&port);
    struct test_server r;
    const char *const rargs[] = {"--repl-diskless-load", load, NULL};
    ck_assert_int_eq(test_server_start(&r, rargs), 0);
    redisContext *rc = test_connect(&r);
    test_ok(rc, "XADD keep 1-1 f v");
    test_ok(rc, "SET k v");
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", port);

    int fd = accept_within(lfd, 10000);
    ck_assert_int_ge(fd, 0);
    ck_assert(fake_master_handshake(fd));
    const char *head = "$EOF:" MARK "\r\nREDIS0010\xfa\x09redis-ver";
    send_all(fd, head, strlen(head));
    ck_assert(wait_info(rc, "master_sync_in_progress:1", 10000));
    close(fd);
    ck_assert(wait_info(rc, "master_link_status:down", 10000));
    ck_assert(wait_info(rc, "master_sync_in_progress:0", 10000));
    ck_assert_int_eq(test_int(rc, "XLEN keep"), 1);
    ck_assert_int_eq(test_int(rc, "DBSIZE"), 2);

    /* It connects again: this time the payload ends but does not parse. */
    fd = accept_within(lfd, 10000);
    ck_assert_int_ge(fd, 0);
    ck_assert(fake_master_handshake(fd));
    const char *bad = "$EOF:" MARK "\r\nREDIS0010c-garbage-not-an-rdb" MARK;
    send_all(fd, bad, strlen(bad));
    long long end = test_mono_ms() + 10000;
    while (!file_has(r.log, "the RDB did not load") && test_mono_ms() < end)
        test_sleep_ms(20);
    assert_log_has(r.log, "the RDB did not load");
    close(fd);
    if (strcmp(load, "swapdb") == 0) {
        assert_log_has(r.log, "the old data is kept");
        ck_assert_int_eq(test_int(rc, "XLEN keep"), 1);
        ck_assert_int_eq(test_int(rc, "DBSIZE"), 2);
    }
    close(lfd);
    redisFree(rc);
    test_server_stop(&r);
}

START_TEST(test_cut_transfer_keeps_data)
{
    cut_and_corrupt("disabled");
    cut_and_corrupt("swapdb");
}
END_TEST

/* The master drops a replica that stops ACKing (repl-timeout 1). */
START_TEST(test_repl_timeout_master_side)
{
    const char *const margs[] = {"--repl-timeout", "1", "--repl-diskless-sync", "no", NULL};
    struct test_server m;
    ck_assert_int_eq(test_server_start(&m, margs), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    int fd = test_raw_connect(&m);
    ck_assert_int_ge(fd, 0);
    /* As a replica does: PSYNC once REPLCONF was answered (PSYNC with
     * replies pending is refused). */
    const char *req = "REPLCONF listening-port 7\r\n";
    send_all(fd, req, strlen(req));
    char ok[8];
    ck_assert_int_eq(read(fd, ok, 5), 5);
    ck_assert(memcmp(ok, "+OK\r\n", 5) == 0);
    send_all(fd, "PSYNC ? -1\r\n", 12);
    ck_assert(wait_info(mc, "state=online", 10000));
    /* One ACK, then silence. */
    send_all(fd, "REPLCONF ACK 0\r\n", 16);
    ck_assert(wait_info(mc, "connected_slaves:0", 15000));
    assert_log_has(m.log, "Disconnecting timedout replica (streaming sync)");
    close(fd);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

/* The replica drops a master that goes silent after the handshake, and a
 * handshake left unanswered, then connects again (repl-timeout 1). */
START_TEST(test_repl_timeout_replica_side)
{
    int port;
    int lfd = listen_any(&port);
    struct test_server r;
    const char *const rargs[] = {"--repl-timeout", "1", NULL};
    ck_assert_int_eq(test_server_start(&r, rargs), 0);
    redisContext *rc = test_connect(&r);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", port);
    int fd = accept_within(lfd, 10000);
    ck_assert_int_ge(fd, 0);
    ck_assert(fake_master_handshake(fd));
    /* Silence during the transfer. */
    int fd2 = accept_within(lfd, 15000);
    ck_assert_int_ge(fd2, 0);
    assert_log_has(r.log, "Timeout receiving bulk data from MASTER");
    /* Silence in the handshake (PING never answered). */
    int fd3 = accept_within(lfd, 15000);
    ck_assert_int_ge(fd3, 0);
    assert_log_has(r.log, "Timeout connecting to the MASTER");
    close(fd);
    close(fd2);
    close(fd3);
    close(lfd);
    redisFree(rc);
    test_server_stop(&r);
}
END_TEST

static void add_test(TCase *tc, const char *only, const char *name, const TTest *t)
{
    if (!only || strcmp(only, name) == 0)
        tcase_add_test(tc, t);
}

Suite *repl_diskless_suite(void);
Suite *repl_diskless_suite(void)
{
    Suite *s = suite_create("repl_diskless");
    TCase *tc = tcase_create("repl_diskless");
    tcase_set_timeout(tc, 120);
    const char *only = getenv("TEST_ONLY"); /* debugging: run one test by name */
#define ADD(t) add_test(tc, only, #t, t)
    ADD(test_runnel_diskless_disk_load);
    ADD(test_runnel_diskless_swapdb);
    ADD(test_runnel_disk_sync_when_off);
    ADD(test_redis_replica_of_diskless_runnel);
    ADD(test_runnel_replica_of_diskless_redis);
    ADD(test_replica_killed_mid_transfer);
    ADD(test_masterauth);
    ADD(test_masterauth_redis_master);
    ADD(test_cut_transfer_keeps_data);
    ADD(test_repl_timeout_master_side);
    ADD(test_repl_timeout_replica_side);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    SRunner *sr = srunner_create(repl_diskless_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
