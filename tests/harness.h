/* harness.h -- start a real runnel-server for integration tests.
 *
 * Each test file starts its own server (path from $RUNNEL_SERVER) on a free
 * ephemeral port in a fresh temp dir, talks to it through hiredis, and stops
 * it.  Readiness and state are observed (PING answers, INFO fields), never
 * assumed after a sleep. */
#ifndef RUNNEL_TEST_HARNESS_H
#define RUNNEL_TEST_HARNESS_H

#include <hiredis/hiredis.h>
#include <sys/types.h>

struct test_server {
    pid_t pid;
    int port;
    char dir[256];
    char log[300];
    char trace[320]; /* effect trace file, for test_server_start_traced */
};

/* Start the server with extra "--name value" arguments (NULL-terminated
 * list, may be NULL).  Returns 0 when it answers PING, -1 otherwise. */
int test_server_start(struct test_server *s, const char *const *extra);
/* The same, with the server writing its effects to s->trace (inside the
 * server's temp dir, removed with it). */
int test_server_start_traced(struct test_server *s, const char *const *extra);
/* For a Check fixture's setup, which cannot fail a test: test_server_start
 * or abort the test binary after printing "server did not start". */
void test_server_start_or_abort(struct test_server *s, const char *const *extra);
/* Start the server again in s->dir (after test_server_halt), on a new
 * port: restart tests. */
int test_server_start_again(struct test_server *s, const char *const *extra);
/* Send sig and wait for the process (SIGKILL after 10 s); keeps the temp
 * dir.  Returns the exit status (128 + signal when killed). */
int test_server_halt(struct test_server *s, int sig);
/* SIGTERM, wait (then SIGKILL after 5 s); removes the temp dir. Returns the
 * exit status (or -1). */
int test_server_stop(struct test_server *s);
/* 1 while the process is alive. */
int test_server_alive(struct test_server *s);
/* The server binary: $RUNNEL_SERVER, else src/runnel-server. */
const char *test_server_bin(void);
/* Run the server binary with args (args[0] its name, NULL-terminated) until
 * it exits by itself, its stdout and stderr captured in out (NUL-terminated,
 * at most cap - 1 bytes); returns the exit status, -1 when killed. */
int test_server_run_to_exit(const char *const *args, char *out, size_t cap);

redisContext *test_connect(const struct test_server *s);
/* A command with printf-like hiredis formatting; aborts the test on a
 * connection error. */
redisReply *test_cmd(redisContext *c, const char *fmt, ...);
/* An argv command. */
redisReply *test_cmdargv(redisContext *c, int argc, const char **argv);

/* Check-test helpers (they fail the running test on a bad reply). */
/* A command that must not answer an error; its reply is freed. */
void test_ok(redisContext *c, const char *fmt, ...);
/* A command whose reply must be an integer. */
long long test_int(redisContext *c, const char *fmt, ...);
/* A command whose reply must be the status (+want) or the error (-want)
 * with exactly that text; its reply is freed. */
void test_status(redisContext *c, const char *want, const char *fmt, ...);
void test_error(redisContext *c, const char *want, const char *fmt, ...);
/* Fail the running test unless r is the status / the error want. */
void test_assert_status(const redisReply *r, const char *want);
void test_assert_error(const redisReply *r, const char *want);
/* Send a request without waiting for its reply (a blocking read). */
void test_send(redisContext *c, const char *fmt, ...);
/* The next reply on c, waiting for it. */
redisReply *test_reply(redisContext *c);
/* Wait until exactly n clients are blocked (INFO blocked_clients). */
void test_wait_blocked(redisContext *ctl, long long n);

/* Files the server writes (the effect trace): size now, and the bytes from
 * offset on (malloc'd, NUL-terminated, length in *len). */
long test_file_size(const char *path);
char *test_file_from(const char *path, long from, size_t *len);

/* Send raw bytes on a new plain socket and read the reply until the peer
 * closes or timeout_ms passes; returns bytes read into buf (NUL-terminated). */
int test_raw(const struct test_server *s, const char *data, size_t len, char *buf, size_t cap,
             int timeout_ms);
int test_raw_connect(const struct test_server *s);

/* Wait until INFO's `field` (e.g. "expired_keys") reaches at least value;
 * 0 on success, -1 after timeout_ms. */
int test_wait_info(redisContext *c, const char *field, long long value, int timeout_ms);
long long test_info_ll(redisContext *c, const char *field);

/* A canonical one-line text of a reply (type, length and bytes of every
 * element), malloc'd: compare two replies with strcmp. */
char *test_reply_text(const redisReply *r);
/* Run a command and return test_reply_text of its reply. */
char *test_cmd_text(redisContext *c, const char *fmt, ...);

/* Fail the running test unless a and b are equal, naming the first line
 * that differs (Check's messages are short). */
void test_assert_same(const char *a, const char *b);

/* The oracle: Redis 7.0 (redis-tools' redis-check-rdb started through a
 * symlink named redis-server in dir; $REDIS_ORACLE_BIN overrides), on a
 * free port, --dir dir, --save "", log in dir/redis.log, plus extra. */
struct test_oracle {
    pid_t pid;
    int port;
};
int test_oracle_start(struct test_oracle *o, const char *dir, const char *const *extra);
void test_oracle_stop(struct test_oracle *o);
redisContext *test_oracle_connect(const struct test_oracle *o);

/* Replication: INFO replication holds `line`; wait (up to 30 s, then fail
 * the test showing both INFOs) until replica's link is up and it applied
 * everything master sent. */
int test_repl_info_has(redisContext *c, const char *line);
void test_repl_wait_converged(redisContext *master, redisContext *replica);
/* The same stream on both servers (entries, IDs, groups with
 * last-delivered-id, entries-read and PELs, consumers).  redis_master: the
 * master is Redis 7.0, which propagates XREADGROUP as XCLAIM ... LASTID
 * alone, leaving a replica's entries-read behind (7.0 as its own replica
 * does the same), so that field is left out. */
void test_repl_assert_same_stream(redisContext *a, redisContext *b, const char *key,
                                  int redis_master);

void test_sleep_ms(int ms);
/* Monotonic time in milliseconds (deadlines in tests). */
long long test_mono_ms(void);
/* A whole file, malloc'd and NUL-terminated (length in *len if not NULL),
 * or NULL when it cannot be opened. */
char *test_read_file(const char *path, size_t *len);
/* Replace a file's contents (fails the test on error). */
void test_write_file(const char *path, const char *data, size_t len);

/* The value after `name` in a flat map reply, or NULL. */
const redisReply *test_map_field(const redisReply *map, const char *name);
/* Append s and a newline to the malloc'd text *out of *len bytes. */
void test_text_append(char **out, size_t *len, const char *s);
/* A text view of a stream for comparing two servers: its entries, the
 * counters of XINFO STREAM FULL, per group the fields gfields names and per
 * consumer those cfields names (NULL-terminated lists), PEXPIRETIME. */
char *test_stream_view(redisContext *c, const char *key, const char *const *gfields,
                       const char *const *cfields);

#endif
