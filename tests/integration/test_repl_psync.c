/* test_repl_psync.c -- partial resynchronisation: a replica whose link was
 * cut continues from the master's backlog (+CONTINUE) instead of a full
 * sync; a backlog too small for the cut forces a full one; a promoted
 * replica continues its former siblings (the failover case); a replica
 * restarted from its dump.rdb continues; a chained replica applies the
 * stream in the db its RDB names; and both ways with Redis 7.0.
 *
 * The cut is made deterministic by stopping the replica (SIGSTOP) while
 * its master drops the link and takes writes, then letting it go on
 * (SIGCONT): it reads the EOF, reconnects and sends PSYNC.  Every check is
 * on INFO counters (sync_full, sync_partial_ok, sync_partial_err) and on
 * the data, never on timing. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Masters start a full sync at once: the default 5 s of
 * repl-diskless-sync-delay (waiting for more replicas) is test_repl_diskless's
 * subject, here it would only add 5 s to every sync. */
static const char *const FAST_SYNC[] = {"--repl-diskless-sync-delay", "0", NULL};

static char *info(redisContext *c, const char *section)
{
    redisReply *r = test_cmd(c, "INFO %s", section);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    char *s = strdup(r->str);
    freeReplyObject(r);
    return s;
}

/* INFO replication's value of field (40 chars at most) into out. */
static void info_str(redisContext *c, const char *field, char *out, size_t cap)
{
    char *s = info(c, "replication");
    char key[64];
    snprintf(key, sizeof(key), "\n%s:", field);
    char *p = strstr(s, key);
    ck_assert_msg(p != NULL, "INFO has no %s", field);
    p += strlen(key);
    size_t n = strcspn(p, "\r\n");
    ck_assert_uint_lt(n, cap);
    memcpy(out, p, n);
    out[n] = '\0';
    free(s);
}

struct syncs {
    long long full, ok, err;
};

static struct syncs syncs_of(redisContext *c)
{
    struct syncs s = {test_info_ll(c, "sync_full"), test_info_ll(c, "sync_partial_ok"),
                      test_info_ll(c, "sync_partial_err")};
    return s;
}

static int redis_master; /* see test_replication.c: 7.0's XCLAIM LASTID */

static void assert_same_data(redisContext *a, redisContext *b)
{
    test_repl_assert_same_stream(a, b, "jobs", redis_master);
    test_repl_assert_same_stream(a, b, "audit", redis_master);
    test_ok(a, "SELECT 3");
    test_ok(b, "SELECT 3");
    test_repl_assert_same_stream(a, b, "other", redis_master);
    test_ok(a, "SELECT 0");
    test_ok(b, "SELECT 0");
}

static void write_streams(redisContext *c)
{
    test_ok(c, "XADD jobs 1-1 type email to a");
    test_ok(c, "XADD jobs 1-2 type email to b");
    test_ok(c, "XADD jobs * type sms n 42");
    test_ok(c, "XGROUP CREATE jobs g 0");
    test_ok(c, "XREADGROUP GROUP g alice COUNT 2 STREAMS jobs >");
    test_ok(c, "XACK jobs g 1-1");
    for (int i = 0; i < 10; i++)
        test_ok(c, "XADD audit * event e%d", i);
}

/* Writes that move groups and PELs, ending in db 3 (the stream's db stays
 * 3 for the next writer: no SELECT until another db is written). */
static void write_during_cut(redisContext *c, int round)
{
    test_ok(c, "XADD jobs * type push n %d", round);
    test_ok(c, "XGROUP CREATE audit a%d 0", round);
    test_ok(c, "XREADGROUP GROUP a%d bob COUNT 3 STREAMS audit >", round);
    test_ok(c, "XREADGROUP GROUP g carol%d STREAMS jobs >", round);
    redisReply *r = test_cmd(c, "XPENDING jobs g - + 1");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    if (r->elements > 0)
        test_ok(c, "XACK jobs g %s", r->element[0]->element[0]->str);
    freeReplyObject(r);
    test_ok(c, "XTRIM audit MAXLEN 12");
    /* A transaction: one unit in MULTI/EXEC on the stream. */
    test_ok(c, "MULTI");
    test_ok(c, "XADD jobs * in multi %d", round);
    test_ok(c, "XADD audit * in multi %d", round);
    test_ok(c, "EXEC");
    test_ok(c, "SELECT 3");
    test_ok(c, "XADD other * round %d", round);
    test_ok(c, "SELECT 0");
}

/* Big entries: more than the 16k minimum backlog. */
static void write_big(redisContext *c, int n)
{
    char val[513];
    memset(val, 'x', 512);
    val[512] = '\0';
    for (int i = 0; i < n; i++)
        test_ok(c, "XADD audit * big %s", val);
}

/* No dump.rdb of an earlier run in dir. */
static void unlink_dump(const char *dir)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/dump.rdb", dir);
    unlink(path);
}

static void start_replica_of(struct test_server *r, redisContext **rc, int port)
{
    ck_assert_int_eq(test_server_start(r, FAST_SYNC), 0);
    *rc = test_connect(r);
    test_ok(*rc, "REPLICAOF 127.0.0.1 %d", port);
}

/* Stop the replica, let `cut` drop the link on the master side, write
 * meanwhile, let the replica go on. */
static void cut_and_write(pid_t replica, redisContext *master, int round, int big)
{
    ck_assert_int_eq(kill(replica, SIGSTOP), 0);
    ck_assert_int_eq(test_int(master, "CLIENT KILL TYPE replica"), 1);
    write_during_cut(master, round);
    if (big)
        write_big(master, big);
    ck_assert_int_eq(kill(replica, SIGCONT), 0);
}

/* (a) The link is cut, the master takes writes, the replica continues. */
START_TEST(test_partial_after_cut)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *rc;
    start_replica_of(&r, &rc, m.port);
    test_repl_wait_converged(mc, rc);
    ck_assert(test_repl_info_has(mc, "repl_backlog_active:1"));
    ck_assert(test_repl_info_has(rc, "repl_backlog_active:1"));

    struct syncs before = syncs_of(mc);
    ck_assert_int_eq(before.full, 1);
    for (int round = 1; round <= 2; round++) {
        cut_and_write(r.pid, mc, round, 0);
        test_repl_wait_converged(mc, rc);
        struct syncs now = syncs_of(mc);
        ck_assert_int_eq(now.ok, before.ok + round);
        ck_assert_int_eq(now.full, before.full);
        ck_assert_int_eq(now.err, before.err);
        assert_same_data(mc, rc);
    }
    /* Cut from the replica's side: CLIENT KILL TYPE master. */
    ck_assert_int_eq(test_int(rc, "CLIENT KILL TYPE master"), 1);
    write_during_cut(mc, 3);
    test_repl_wait_converged(mc, rc);
    struct syncs after_kill = syncs_of(mc);
    ck_assert_int_eq(after_kill.ok, before.ok + 3);
    ck_assert_int_eq(after_kill.full, before.full);
    assert_same_data(mc, rc);
    /* The stream's db was left at 3 by the last write: the next one, with
     * no SELECT before it, still lands in db 3 on the replica. */
    redisContext *m3 = test_connect(&m);
    test_ok(m3, "SELECT 3");
    test_ok(m3, "XADD other * k after-resync");
    test_repl_wait_converged(mc, rc);
    assert_same_data(mc, rc);
    redisFree(m3);

    /* The backlog holds the stream's tail: first + histlen is one past the
     * master's offset, on both sides (the replica keeps one too). */
    long long off = test_info_ll(mc, "master_repl_offset");
    ck_assert_int_eq(test_info_ll(mc, "repl_backlog_first_byte_offset") +
                         test_info_ll(mc, "repl_backlog_histlen"),
                     off + 1);
    ck_assert_int_eq(test_info_ll(rc, "repl_backlog_first_byte_offset") +
                         test_info_ll(rc, "repl_backlog_histlen"),
                     off + 1);
    ck_assert_int_eq(test_info_ll(mc, "repl_backlog_size"), 1048576);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* (b) More was written during the cut than the backlog holds: full sync. */
START_TEST(test_backlog_too_small)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    /* Redis's rule: CONFIG SET accepts 1, the backlog is 16k at least. */
    test_ok(mc, "CONFIG SET repl-backlog-size 1");
    redisReply *x = test_cmd(mc, "CONFIG GET repl-backlog-size");
    ck_assert_str_eq(x->element[1]->str, "16384");
    freeReplyObject(x);
    write_streams(mc);
    redisContext *rc;
    start_replica_of(&r, &rc, m.port);
    test_repl_wait_converged(mc, rc);
    ck_assert_int_eq(test_info_ll(mc, "repl_backlog_size"), 16384);

    struct syncs before = syncs_of(mc);
    cut_and_write(r.pid, mc, 1, 64); /* 64 x 512 bytes > 16k */
    test_repl_wait_converged(mc, rc);
    struct syncs now = syncs_of(mc);
    ck_assert_int_eq(now.full, before.full + 1);
    ck_assert_int_eq(now.err, before.err + 1);
    ck_assert_int_eq(now.ok, before.ok);
    ck_assert_int_eq(test_info_ll(mc, "repl_backlog_histlen"), 16384);
    assert_same_data(mc, rc);

    /* A cut that fits continues again. */
    cut_and_write(r.pid, mc, 2, 0);
    test_repl_wait_converged(mc, rc);
    ck_assert_int_eq(test_info_ll(mc, "sync_partial_ok"), now.ok + 1);
    assert_same_data(mc, rc);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* (c) Failover: A is promoted, B is pointed at A and continues (+CONTINUE
 * with A's new id), with A's own writes from its backlog. */
START_TEST(test_promotion_continues_siblings)
{
    struct test_server m, a, b;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    /* No PING may reach B and not A before the promotion (B would then be
     * ahead of A's history, which Redis refuses to continue too). */
    test_ok(mc, "CONFIG SET repl-ping-replica-period 3600");
    write_streams(mc);
    redisContext *ac, *bc;
    start_replica_of(&a, &ac, m.port);
    start_replica_of(&b, &bc, m.port);
    write_during_cut(mc, 1);
    test_repl_wait_converged(mc, ac);
    test_repl_wait_converged(mc, bc);
    char mid[64];
    info_str(mc, "master_replid", mid, sizeof(mid));

    test_ok(ac, "REPLICAOF NO ONE");
    char aid[64], aid2[64];
    info_str(ac, "master_replid", aid, sizeof(aid));
    info_str(ac, "master_replid2", aid2, sizeof(aid2));
    ck_assert_str_eq(aid2, mid);
    ck_assert_str_ne(aid, mid);
    ck_assert_int_eq(test_info_ll(ac, "second_repl_offset"),
                     test_info_ll(ac, "master_repl_offset") + 1);
    ck_assert(test_repl_info_has(ac, "repl_backlog_active:1"));
    write_during_cut(ac, 2); /* before B arrives: from A's backlog */

    struct syncs before = syncs_of(ac);
    test_ok(bc, "REPLICAOF 127.0.0.1 %d", a.port);
    test_repl_wait_converged(ac, bc);
    struct syncs now = syncs_of(ac);
    ck_assert_int_eq(now.ok, before.ok + 1);
    ck_assert_int_eq(now.full, before.full);
    char bid[64], bid2[64];
    info_str(bc, "master_replid", bid, sizeof(bid));
    info_str(bc, "master_replid2", bid2, sizeof(bid2));
    ck_assert_str_eq(bid, aid);
    ck_assert_str_eq(bid2, mid);
    assert_same_data(ac, bc);

    write_during_cut(ac, 3);
    test_repl_wait_converged(ac, bc);
    assert_same_data(ac, bc);

    redisFree(mc);
    redisFree(ac);
    redisFree(bc);
    test_server_stop(&b);
    test_server_stop(&a);
    test_server_stop(&m);
}
END_TEST

/* A chain M -> B -> C: when B continues with a new id (its master was
 * promoted), C must learn it: B drops it, C continues with B. */
START_TEST(test_new_id_reaches_chained_replica)
{
    struct test_server m, a, b, c;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *ac, *bc, *cc;
    start_replica_of(&a, &ac, m.port);
    start_replica_of(&b, &bc, m.port);
    start_replica_of(&c, &cc, b.port);
    test_repl_wait_converged(mc, ac);
    test_repl_wait_converged(mc, bc);
    test_repl_wait_converged(mc, cc);

    test_ok(ac, "REPLICAOF NO ONE");
    char aid[64];
    info_str(ac, "master_replid", aid, sizeof(aid));
    struct syncs bbefore = syncs_of(bc);
    test_ok(bc, "REPLICAOF 127.0.0.1 %d", a.port);
    write_during_cut(ac, 1);
    test_repl_wait_converged(ac, bc);
    test_repl_wait_converged(ac, cc);
    char cid[64];
    info_str(cc, "master_replid", cid, sizeof(cid));
    ck_assert_str_eq(cid, aid);
    /* C came back to B by PSYNC and was continued, not fully synced. */
    struct syncs bnow = syncs_of(bc);
    ck_assert_int_ge(bnow.ok, bbefore.ok + 1);
    ck_assert_int_eq(bnow.full, bbefore.full);
    assert_same_data(ac, cc);

    redisFree(mc);
    redisFree(ac);
    redisFree(bc);
    redisFree(cc);
    test_server_stop(&c);
    test_server_stop(&b);
    test_server_stop(&a);
    test_server_stop(&m);
}
END_TEST

/* (d) A replica killed and restarted with its dump.rdb (which carries
 * repl-id, repl-offset and repl-stream-db) continues. */
START_TEST(test_restarted_replica_continues)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *rc;
    start_replica_of(&r, &rc, m.port);
    test_repl_wait_converged(mc, rc); /* what follows is in the stream, not the RDB */
    write_during_cut(mc, 1);
    /* The stream is in db 3 when the replica saves. */
    test_ok(mc, "SELECT 3");
    test_ok(mc, "XADD other * k before-save");
    test_repl_wait_converged(mc, rc);
    test_ok(rc, "SAVE");
    test_ok(mc, "XADD other * k after-save");
    test_repl_wait_converged(mc, rc);
    redisFree(rc);
    test_server_halt(&r, SIGKILL);
    test_ok(mc, "XADD other * k while-down"); /* db 3, no SELECT */
    test_ok(mc, "SELECT 0");
    write_during_cut(mc, 2);

    struct syncs before = syncs_of(mc);
    char port[16];
    snprintf(port, sizeof(port), "%d", m.port);
    const char *const args[] = {"--replicaof", "127.0.0.1", port, NULL};
    ck_assert_int_eq(test_server_start_again(&r, args), 0);
    rc = test_connect(&r);
    test_repl_wait_converged(mc, rc);
    struct syncs now = syncs_of(mc);
    ck_assert_int_eq(now.ok, before.ok + 1);
    ck_assert_int_eq(now.full, before.full);
    assert_same_data(mc, rc);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* A chained replica that joins while the stream is in db 3 applies what
 * follows in db 3 (the middle replica's RDB names repl-stream-db). */
START_TEST(test_chained_replica_stream_db)
{
    struct test_server m, a, b;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *ac, *bc;
    start_replica_of(&a, &ac, m.port);
    test_repl_wait_converged(mc, ac); /* then the SELECT is in the stream, not the RDB */
    test_ok(mc, "SELECT 3");
    test_ok(mc, "XADD other * k in-db-3");
    test_repl_wait_converged(mc, ac);
    start_replica_of(&b, &bc, a.port);
    test_repl_wait_converged(mc, bc);
    test_ok(mc, "XADD other * k still-db-3"); /* no SELECT in the stream */
    test_repl_wait_converged(mc, bc);
    test_ok(mc, "SELECT 0");
    assert_same_data(mc, bc);
    ck_assert_int_eq(test_int(bc, "EXISTS other"), 0);

    redisFree(mc);
    redisFree(ac);
    redisFree(bc);
    test_server_stop(&b);
    test_server_stop(&a);
    test_server_stop(&m);
}
END_TEST

/* (e) Redis 7.0 as a replica of Runnel: cut on the Redis side (CLIENT KILL
 * TYPE master), it continues from our backlog. */
START_TEST(test_redis_replica_continues)
{
    redis_master = 0;
    struct test_server m;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, m.dir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    test_ok(oc, "REPLICAOF 127.0.0.1 %d", m.port);
    test_repl_wait_converged(mc, oc);
    struct syncs before = syncs_of(mc);

    ck_assert_int_eq(test_int(oc, "CLIENT KILL TYPE master"), 1);
    /* Whether Redis is back before these writes or not, it continues. */
    write_during_cut(mc, 1);
    test_repl_wait_converged(mc, oc);
    struct syncs now = syncs_of(mc);
    ck_assert_int_eq(now.ok, before.ok + 1);
    ck_assert_int_eq(now.full, before.full);
    assert_same_data(mc, oc);

    /* Stopped while the link is cut from our side: the bytes come from the
     * backlog for sure. */
    ck_assert_int_eq(kill(o.pid, SIGSTOP), 0);
    ck_assert_int_eq(test_int(mc, "CLIENT KILL TYPE replica"), 1);
    write_during_cut(mc, 2);
    ck_assert_int_eq(kill(o.pid, SIGCONT), 0);
    test_repl_wait_converged(mc, oc);
    ck_assert_int_eq(test_info_ll(mc, "sync_partial_ok"), now.ok + 1);
    ck_assert_int_eq(test_info_ll(mc, "sync_full"), now.full);
    assert_same_data(mc, oc);

    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(mc);
    test_server_stop(&m);
}
END_TEST

/* (e) Runnel as a replica of Redis 7.0: Redis continues us after a cut. */
START_TEST(test_runnel_replica_of_redis_continues)
{
    struct test_server r;
    ck_assert_int_eq(test_server_start(&r, FAST_SYNC), 0);
    redisContext *rc = test_connect(&r);
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, r.dir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    redis_master = 1;
    write_streams(oc);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", o.port);
    test_repl_wait_converged(oc, rc);
    assert_same_data(oc, rc);
    struct syncs before = syncs_of(oc);

    cut_and_write(r.pid, oc, 1, 0);
    test_repl_wait_converged(oc, rc);
    struct syncs now = syncs_of(oc);
    ck_assert_int_eq(now.ok, before.ok + 1);
    ck_assert_int_eq(now.full, before.full);
    assert_same_data(oc, rc);
    /* Still the stream's db after the resync. */
    redisContext *o3 = test_oracle_connect(&o);
    test_ok(o3, "SELECT 3");
    test_ok(o3, "XADD other * k after");
    test_repl_wait_converged(oc, rc);
    assert_same_data(oc, rc);
    redisFree(o3);

    redis_master = 0;
    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(rc);
    test_server_stop(&r);
}
END_TEST

/* repl-backlog-ttl: a master without replicas frees its backlog (and takes
 * a new replid: nobody can continue with it), a replica never does. */
START_TEST(test_backlog_ttl)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *rc;
    start_replica_of(&r, &rc, m.port);
    test_repl_wait_converged(mc, rc);
    test_ok(mc, "CONFIG SET repl-backlog-ttl 1");
    test_ok(rc, "CONFIG SET repl-backlog-ttl 1");
    char mid[64];
    info_str(mc, "master_replid", mid, sizeof(mid));
    /* The replica follows a master that is not there: it stays a replica
     * without replicas of its own, the master is left without any. */
    test_ok(rc, "REPLICAOF 127.0.0.1 1");
    int freed = 0;
    for (int i = 0; i < 1000 && !(freed = test_repl_info_has(mc, "repl_backlog_active:0")); i++)
        test_sleep_ms(10);
    ck_assert_msg(freed, "the master kept its backlog past repl-backlog-ttl");
    char now_id[64];
    info_str(mc, "master_replid", now_id, sizeof(now_id));
    ck_assert_str_ne(now_id, mid);
    ck_assert(test_repl_info_has(mc, "second_repl_offset:-1"));
    ck_assert(test_repl_info_has(rc, "repl_backlog_active:1"));

    /* Back to the master: its history is gone, a full sync. */
    struct syncs before = syncs_of(mc);
    test_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port);
    write_during_cut(mc, 1);
    test_repl_wait_converged(mc, rc);
    struct syncs after = syncs_of(mc);
    ck_assert_int_eq(after.full, before.full + 1);
    ck_assert_int_eq(after.err, before.err + 1);
    ck_assert_int_eq(after.ok, before.ok);
    assert_same_data(mc, rc);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* Redis 7.0 restarted from a dump.rdb Runnel wrote as a replica (with
 * repl-id, repl-offset, repl-stream-db) continues with the Runnel master. */
START_TEST(test_redis_loads_our_repl_info)
{
    redis_master = 0;
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *rc;
    start_replica_of(&r, &rc, m.port);
    test_repl_wait_converged(mc, rc);
    write_during_cut(mc, 1);
    test_repl_wait_converged(mc, rc);
    test_ok(rc, "SAVE");
    redisFree(rc);
    test_server_halt(&r, SIGKILL);
    test_ok(mc, "SELECT 3");
    test_ok(mc, "XADD other * k while-down"); /* db 3, no SELECT */
    test_ok(mc, "SELECT 0");
    write_during_cut(mc, 2);

    struct syncs before = syncs_of(mc);
    char port[16];
    snprintf(port, sizeof(port), "%d", m.port);
    const char *const args[] = {"--replicaof", "127.0.0.1", port, NULL};
    struct test_oracle o;
    ck_assert_int_eq(test_oracle_start(&o, r.dir, args), 0);
    redisContext *oc = test_oracle_connect(&o);
    test_repl_wait_converged(mc, oc);
    struct syncs now = syncs_of(mc);
    ck_assert_int_eq(now.ok, before.ok + 1);
    ck_assert_int_eq(now.full, before.full);
    assert_same_data(mc, oc);

    redisFree(oc);
    test_oracle_stop(&o);
    redisFree(mc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

/* Runnel restarted from a dump.rdb Redis 7.0 wrote as a replica continues
 * with the Redis master. */
START_TEST(test_we_load_redis_repl_info)
{
    struct test_server r;
    ck_assert_int_eq(test_server_start(&r, FAST_SYNC), 0);
    test_server_halt(&r, SIGTERM);
    unlink_dump(r.dir);
    struct test_oracle o, o2;
    char odir[] = "/tmp/runnel-test-oracle-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(odir));
    ck_assert_int_eq(test_oracle_start(&o, odir, NULL), 0);
    redisContext *oc = test_oracle_connect(&o);
    redis_master = 1;
    write_streams(oc);
    char port[16];
    snprintf(port, sizeof(port), "%d", o.port);
    const char *const args[] = {"--replicaof", "127.0.0.1", port, NULL};
    ck_assert_int_eq(test_oracle_start(&o2, r.dir, args), 0);
    redisContext *o2c = test_oracle_connect(&o2);
    test_repl_wait_converged(oc, o2c);
    write_during_cut(oc, 1);
    test_repl_wait_converged(oc, o2c);
    test_ok(o2c, "SAVE");
    redisFree(o2c);
    test_oracle_stop(&o2);
    test_ok(oc, "SELECT 3");
    test_ok(oc, "XADD other * k while-down");
    test_ok(oc, "SELECT 0");
    write_during_cut(oc, 2);

    struct syncs before = syncs_of(oc);
    ck_assert_int_eq(test_server_start_again(&r, args), 0);
    redisContext *rc = test_connect(&r);
    test_repl_wait_converged(oc, rc);
    struct syncs now = syncs_of(oc);
    ck_assert_int_eq(now.ok, before.ok + 1);
    ck_assert_int_eq(now.full, before.full);
    assert_same_data(oc, rc);

    redis_master = 0;
    redisFree(rc);
    redisFree(oc);
    test_oracle_stop(&o);
    char rm[128];
    snprintf(rm, sizeof(rm), "rm -rf %s", odir);
    ck_assert_int_eq(system(rm), 0);
    test_server_stop(&r);
}
END_TEST

/* A master restarted from its dump.rdb keeps its old history as replid2:
 * its replica, pointed at it again, continues (Redis 7.0 does the same). */
START_TEST(test_restarted_master_continues)
{
    struct test_server m, r;
    ck_assert_int_eq(test_server_start(&m, FAST_SYNC), 0);
    redisContext *mc = test_connect(&m);
    write_streams(mc);
    redisContext *rc;
    start_replica_of(&r, &rc, m.port);
    test_repl_wait_converged(mc, rc);
    write_during_cut(mc, 1);
    test_repl_wait_converged(mc, rc);
    char mid[64];
    info_str(mc, "master_replid", mid, sizeof(mid));
    long long off = test_info_ll(mc, "master_repl_offset");
    test_ok(mc, "SAVE");
    redisFree(mc);
    ck_assert_int_eq(test_server_halt(&m, SIGKILL), 128 + SIGKILL);
    ck_assert_int_eq(test_server_start_again(&m, FAST_SYNC), 0);
    mc = test_connect(&m);
    char id2[64];
    info_str(mc, "master_replid2", id2, sizeof(id2));
    ck_assert_str_eq(id2, mid);
    ck_assert_int_eq(test_info_ll(mc, "second_repl_offset"), off + 1);
    ck_assert_int_eq(test_info_ll(mc, "master_repl_offset"), off);
    ck_assert(test_repl_info_has(mc, "repl_backlog_active:1"));

    test_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port);
    write_during_cut(mc, 2);
    test_repl_wait_converged(mc, rc);
    ck_assert_int_eq(test_info_ll(mc, "sync_partial_ok"), 1);
    ck_assert_int_eq(test_info_ll(mc, "sync_full"), 0);
    assert_same_data(mc, rc);

    redisFree(mc);
    redisFree(rc);
    test_server_stop(&r);
    test_server_stop(&m);
}
END_TEST

Suite *repl_psync_suite(void);
Suite *repl_psync_suite(void)
{
    Suite *s = suite_create("repl_psync");
    TCase *tc = tcase_create("repl_psync");
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_partial_after_cut);
    tcase_add_test(tc, test_backlog_too_small);
    tcase_add_test(tc, test_promotion_continues_siblings);
    tcase_add_test(tc, test_new_id_reaches_chained_replica);
    tcase_add_test(tc, test_restarted_replica_continues);
    tcase_add_test(tc, test_chained_replica_stream_db);
    tcase_add_test(tc, test_redis_replica_continues);
    tcase_add_test(tc, test_runnel_replica_of_redis_continues);
    tcase_add_test(tc, test_backlog_ttl);
    tcase_add_test(tc, test_restarted_master_continues);
    tcase_add_test(tc, test_redis_loads_our_repl_info);
    tcase_add_test(tc, test_we_load_redis_repl_info);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(repl_psync_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
