/* harness.c -- see harness.h. */
#include "harness.h"

#include <check.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Ask the kernel for a free port by binding port 0. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    socklen_t sl = sizeof(sa);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

int test_server_alive(struct test_server *s)
{
    if (s->pid <= 0)
        return 0;
    int st;
    return waitpid(s->pid, &st, WNOHANG) == 0;
}

static int server_start(struct test_server *s, const char *const *extra, int traced, int keep_dir);

int test_server_start(struct test_server *s, const char *const *extra)
{
    return server_start(s, extra, 0, 0);
}

int test_server_start_traced(struct test_server *s, const char *const *extra)
{
    return server_start(s, extra, 1, 0);
}

void test_server_start_or_abort(struct test_server *s, const char *const *extra)
{
    if (test_server_start(s, extra) != 0) {
        fprintf(stderr, "server did not start\n");
        abort();
    }
}

int test_server_start_again(struct test_server *s, const char *const *extra)
{
    return server_start(s, extra, 0, 1);
}

int test_server_halt(struct test_server *s, int sig)
{
    int status = -1;
    if (s->pid > 0) {
        kill(s->pid, sig);
        long long deadline = now_ms() + 10000;
        int st = 0;
        pid_t r = 0;
        while ((r = waitpid(s->pid, &st, WNOHANG)) == 0 && now_ms() < deadline)
            sleep_ms(2);
        if (r == 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
        }
        status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        s->pid = 0;
    }
    return status;
}

const char *test_server_bin(void)
{
    const char *bin = getenv("RUNNEL_SERVER");
    return bin ? bin : "src/runnel-server";
}

int test_server_run_to_exit(const char *const *args, char *out, size_t cap)
{
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execv(test_server_bin(), (char *const *)args);
        _exit(127);
    }
    close(pipefd[1]);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < cap && (n = read(pipefd[0], out + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(pipefd[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int server_start(struct test_server *s, const char *const *extra, int traced, int keep_dir)
{
    const char *bin = test_server_bin();
    if (!keep_dir) {
        memset(s, 0, sizeof(*s));
        snprintf(s->dir, sizeof(s->dir), "/tmp/runnel-test-XXXXXX");
        if (!mkdtemp(s->dir))
            return -1;
    }
    s->pid = 0;
    snprintf(s->log, sizeof(s->log), "%s/server.log", s->dir);
    if (traced)
        snprintf(s->trace, sizeof(s->trace), "%s/effects.resp", s->dir);
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = free_port();
        char port[16];
        snprintf(port, sizeof(port), "%d", s->port);
        const char *argv[64];
        int n = 0;
        argv[n++] = bin;
        argv[n++] = "--port";
        argv[n++] = port;
        argv[n++] = "--bind";
        argv[n++] = "127.0.0.1";
        argv[n++] = "--dir";
        argv[n++] = s->dir;
        argv[n++] = "--loglevel";
        argv[n++] = "verbose";
        if (traced) {
            argv[n++] = "--effect-trace-file";
            argv[n++] = s->trace;
        }
        for (int i = 0; extra && extra[i] && n < 62; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
            execv(bin, (char *const *)argv);
            _exit(127);
        }
        s->pid = pid;
        long long deadline = now_ms() + 10000;
        while (now_ms() < deadline) {
            if (!test_server_alive(s))
                break;
            struct timeval tv = {1, 0};
            redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
            if (c && !c->err) {
                redisReply *r = redisCommand(c, "PING");
                /* NOAUTH: it serves, but wants a password (requirepass
                 * given at start-up). */
                int ok = r && ((r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0) ||
                               (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOAUTH", 6) == 0));
                if (r)
                    freeReplyObject(r);
                redisFree(c);
                if (ok)
                    return 0;
            } else if (c) {
                redisFree(c);
            }
            sleep_ms(5);
        }
        /* Port taken between probe and bind, or a crash: try again. */
        if (test_server_alive(s)) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
        }
        s->pid = 0;
    }
    return -1;
}

int test_server_stop(struct test_server *s)
{
    int status = test_server_halt(s, SIGTERM);
    if (s->dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
        if (system(cmd) != 0) {
        }
    }
    return status;
}

redisContext *test_connect(const struct test_server *s)
{
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
    if (!c || c->err) {
        fprintf(stderr, "connect failed: %s\n", c ? c->errstr : "oom");
        abort();
    }
    redisSetTimeout(c, tv);
    return c;
}

redisReply *test_cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    return r;
}

redisReply *test_cmdargv(redisContext *c, int argc, const char **argv)
{
    return redisCommandArgv(c, argc, argv, NULL);
}

int test_raw_connect(const struct test_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)s->port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int test_raw(const struct test_server *s, const char *data, size_t len, char *buf, size_t cap,
             int timeout_ms)
{
    int fd = test_raw_connect(s);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    size_t got = 0;
    long long deadline = now_ms() + timeout_ms;
    while (got + 1 < cap) {
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
    return (int)got;
}

long long test_info_ll(redisContext *c, const char *field)
{
    redisReply *r = redisCommand(c, "INFO everything");
    long long v = -1;
    if (r && (r->type == REDIS_REPLY_STRING)) {
        char pat[128];
        snprintf(pat, sizeof(pat), "\r\n%s:", field);
        char *p = strstr(r->str, pat);
        if (p)
            v = atoll(p + strlen(pat));
    }
    if (r)
        freeReplyObject(r);
    return v;
}

int test_wait_info(redisContext *c, const char *field, long long value, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    do {
        if (test_info_ll(c, field) >= value)
            return 0;
        sleep_ms(2);
    } while (now_ms() < deadline);
    return -1;
}

void test_ok(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->type != REDIS_REPLY_ERROR, "%s: %s", fmt, r->str);
    freeReplyObject(r);
}

long long test_int(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->type == REDIS_REPLY_INTEGER, "%s: not an integer (%d %s)", fmt, r->type,
                  r->str ? r->str : "");
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

/* Fail the running test unless r is a reply of type (status or error)
 * with exactly the text want; what names it in the message. */
static void check_reply_text(const redisReply *r, int type, const char *want, const char *what)
{
    ck_assert_msg(r != NULL, "%s: no reply", what);
    ck_assert_msg(r->type == type && strcmp(r->str, want) == 0,
                  "%s: expected %c%s, got type %d '%s'", what,
                  type == REDIS_REPLY_ERROR ? '-' : '+', want, r->type, r->str ? r->str : "");
}

static void command_answers(redisContext *c, int type, const char *want, const char *fmt,
                            va_list ap)
{
    redisReply *r = redisvCommand(c, fmt, ap);
    check_reply_text(r, type, want, fmt);
    freeReplyObject(r);
}

void test_assert_status(const redisReply *r, const char *want)
{
    check_reply_text(r, REDIS_REPLY_STATUS, want, "reply");
}

void test_assert_error(const redisReply *r, const char *want)
{
    check_reply_text(r, REDIS_REPLY_ERROR, want, "reply");
}

void test_status(redisContext *c, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    command_answers(c, REDIS_REPLY_STATUS, want, fmt, ap);
    va_end(ap);
}

void test_error(redisContext *c, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    command_answers(c, REDIS_REPLY_ERROR, want, fmt, ap);
    va_end(ap);
}

void test_send(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ck_assert_int_eq(redisvAppendCommand(c, fmt, ap), REDIS_OK);
    va_end(ap);
    int done = 0;
    while (!done)
        ck_assert_int_eq(redisBufferWrite(c, &done), REDIS_OK);
}

redisReply *test_reply(redisContext *c)
{
    redisReply *r = NULL;
    ck_assert_int_eq(redisGetReply(c, (void **)&r), REDIS_OK);
    return r;
}

void test_wait_blocked(redisContext *ctl, long long n)
{
    ck_assert_int_eq(test_wait_info(ctl, "blocked_clients", n, 5000), 0);
    ck_assert_int_eq(test_info_ll(ctl, "blocked_clients"), n);
}

long test_file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

char *test_file_from(const char *path, long from, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    if (from > end)
        from = end;
    fseek(f, from, SEEK_SET);
    char *buf = malloc((size_t)(end - from) + 1);
    *len = fread(buf, 1, (size_t)(end - from), f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Append a canonical text form of r to *buf (grown with realloc). */
static void dump_reply(char **buf, size_t *len, size_t *cap, const redisReply *r)
{
    char head[64];
    const char *p = NULL;
    size_t n = 0;
    switch (r->type) {
    case REDIS_REPLY_INTEGER:
        n = (size_t)snprintf(head, sizeof(head), ":%lld ", r->integer);
        p = head;
        break;
    case REDIS_REPLY_NIL:
        p = "_ ";
        n = 2;
        break;
    case REDIS_REPLY_ARRAY:
        n = (size_t)snprintf(head, sizeof(head), "[%zu ", r->elements);
        p = head;
        break;
    default:
        n = (size_t)snprintf(head, sizeof(head), "%c%zu:", r->type == REDIS_REPLY_ERROR ? '-' : '$',
                             r->len);
        p = head;
        break;
    }
    size_t extra = n + (r->str ? r->len : 0) + 4;
    if (*len + extra + 1 > *cap) {
        *cap = (*len + extra + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS ||
        r->type == REDIS_REPLY_ERROR) {
        memcpy(*buf + *len, r->str, r->len);
        *len += r->len;
        (*buf)[(*len)++] = ' ';
    }
    if (r->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < r->elements; i++)
            dump_reply(buf, len, cap, r->element[i]);
        (*buf)[(*len)++] = ']';
    }
    (*buf)[*len] = '\0';
}

char *test_reply_text(const redisReply *r)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!r)
        return strdup("(no reply)");
    dump_reply(&buf, &len, &cap, r);
    return buf;
}

char *test_cmd_text(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    char *t = test_reply_text(r);
    if (r)
        freeReplyObject(r);
    return t;
}

void test_assert_same(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return;
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    size_t line = i;
    while (line > 0 && a[line - 1] != '\n')
        line--;
    ck_abort_msg("differs at byte %zu:\nfirst:  %.300s\nsecond: %.300s", i, a + line, b + line);
}

int test_oracle_start(struct test_oracle *o, const char *dir, const char *const *extra)
{
    const char *bin = getenv("REDIS_ORACLE_BIN");
    if (!bin)
        bin = "/usr/bin/redis-check-rdb";
    char link[400];
    snprintf(link, sizeof(link), "%s/redis-server", dir);
    unlink(link);
    if (symlink(bin, link) < 0)
        return -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        o->port = free_port();
        char port[16];
        snprintf(port, sizeof(port), "%d", o->port);
        char logf[400];
        snprintf(logf, sizeof(logf), "%s/redis.log", dir);
        const char *argv[48];
        int n = 0;
        argv[n++] = link;
        argv[n++] = "--port";
        argv[n++] = port;
        argv[n++] = "--bind";
        argv[n++] = "127.0.0.1";
        argv[n++] = "--dir";
        argv[n++] = dir;
        argv[n++] = "--save";
        argv[n++] = "";
        argv[n++] = "--logfile";
        argv[n++] = logf;
        for (int i = 0; extra && extra[i] && n < 46; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            execv(link, (char *const *)argv);
            _exit(127);
        }
        o->pid = pid;
        long long deadline = now_ms() + 10000;
        while (now_ms() < deadline) {
            int st;
            if (waitpid(pid, &st, WNOHANG) != 0)
                break;
            struct timeval tv = {1, 0};
            redisContext *c = redisConnectWithTimeout("127.0.0.1", o->port, tv);
            if (c && !c->err) {
                redisReply *r = redisCommand(c, "PING");
                int ok = r && r->type == REDIS_REPLY_STATUS;
                if (r)
                    freeReplyObject(r);
                redisFree(c);
                if (ok)
                    return 0;
            } else if (c) {
                redisFree(c);
            }
            sleep_ms(10);
        }
        if (waitpid(pid, NULL, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
    }
    return -1;
}

void test_oracle_stop(struct test_oracle *o)
{
    if (o->pid <= 0)
        return;
    kill(o->pid, SIGTERM);
    waitpid(o->pid, NULL, 0);
    o->pid = 0;
}

redisContext *test_oracle_connect(const struct test_oracle *o)
{
    struct test_server s;
    memset(&s, 0, sizeof(s));
    s.port = o->port;
    return test_connect(&s);
}

void test_sleep_ms(int ms)
{
    sleep_ms(ms);
}

long long test_mono_ms(void)
{
    return now_ms();
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

void test_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

const redisReply *test_map_field(const redisReply *map, const char *name)
{
    if (!map || map->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < map->elements; i += 2)
        if (map->element[i]->type == REDIS_REPLY_STRING && strcmp(map->element[i]->str, name) == 0)
            return map->element[i + 1];
    return NULL;
}

void test_text_append(char **out, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *out = realloc(*out, *len + n + 2);
    memcpy(*out + *len, s, n);
    *len += n;
    (*out)[(*len)++] = '\n';
    (*out)[*len] = '\0';
}

static void append_reply(char **out, size_t *len, const char *label, const redisReply *r)
{
    char *t = r ? test_reply_text(r) : strdup("(missing)");
    char *line = malloc(strlen(t) + strlen(label) + 4);
    sprintf(line, "%s: %s", label, t);
    test_text_append(out, len, line);
    free(line);
    free(t);
}

char *test_stream_view(redisContext *c, const char *key, const char *const *gfields,
                       const char *const *cfields)
{
    char *out = NULL;
    size_t len = 0;
    test_text_append(&out, &len, key);
    redisReply *r = test_cmd(c, "XRANGE %s - +", key);
    append_reply(&out, &len, "entries", r);
    freeReplyObject(r);
    r = test_cmd(c, "XINFO STREAM %s FULL", key);
    static const char *const sfields[] = {"length", "last-generated-id", "max-deleted-entry-id",
                                          "entries-added", "recorded-first-entry-id"};
    for (size_t i = 0; i < sizeof(sfields) / sizeof(sfields[0]); i++)
        append_reply(&out, &len, sfields[i], test_map_field(r, sfields[i]));
    const redisReply *groups = test_map_field(r, "groups");
    for (size_t g = 0; groups && g < groups->elements; g++) {
        const redisReply *gr = groups->element[g];
        for (size_t i = 0; gfields[i]; i++)
            append_reply(&out, &len, gfields[i], test_map_field(gr, gfields[i]));
        const redisReply *cons = test_map_field(gr, "consumers");
        for (size_t k = 0; cons && k < cons->elements; k++)
            for (size_t i = 0; cfields[i]; i++)
                append_reply(&out, &len, cfields[i], test_map_field(cons->element[k], cfields[i]));
    }
    freeReplyObject(r);
    r = test_cmd(c, "PEXPIRETIME %s", key);
    append_reply(&out, &len, "pexpiretime", r);
    freeReplyObject(r);
    return out;
}

int test_repl_info_has(redisContext *c, const char *line)
{
    redisReply *r = test_cmd(c, "INFO replication");
    ck_assert_msg(r->type == REDIS_REPLY_STRING, "INFO replication: type %d", r->type);
    int has = strstr(r->str, line) != NULL;
    freeReplyObject(r);
    return has;
}

void test_repl_wait_converged(redisContext *master, redisContext *replica)
{
    long long end = test_mono_ms() + 30000;
    while (test_mono_ms() < end) {
        if (test_repl_info_has(replica, "master_link_status:up") &&
            test_info_ll(replica, "slave_repl_offset") == test_info_ll(master, "master_repl_offset"))
            return;
        test_sleep_ms(10);
    }
    char *mi = test_cmd_text(master, "INFO replication");
    char *ri = test_cmd_text(replica, "INFO replication");
    fprintf(stderr, "master:\n%s\nreplica:\n%s\n", mi, ri);
    free(mi);
    free(ri);
    ck_abort_msg("the replica did not catch up with its master");
}

void test_repl_assert_same_stream(redisContext *a, redisContext *b, const char *key,
                                  int redis_master)
{
    static const char *const gfields[] = {"name", "last-delivered-id", "entries-read",
                                          "pel-count", "pending", NULL};
    static const char *const gfields_7_0[] = {"name", "last-delivered-id", "pel-count",
                                              "pending", NULL};
    static const char *const cfields[] = {"name", "pel-count", "pending", NULL};
    const char *const *g = redis_master ? gfields_7_0 : gfields;
    char *x = test_stream_view(a, key, g, cfields), *y = test_stream_view(b, key, g, cfields);
    test_assert_same(x, y);
    free(x);
    free(y);
}
