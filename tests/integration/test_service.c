/* test_service.c -- running as a service: maxmemory (noeviction) with
 * Redis's -OOM refusals, the systemd notify protocol (a datagram listener
 * standing in for systemd, compared with Redis 7.0's messages), daemonize
 * and the pid file, SIGHUP reopening the log file, and the log lines of
 * query- and output-buffer limit disconnects. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define OOM "OOM command not allowed when used memory > 'maxmemory'."

/* The value of an INFO field as text (static buffer), "" if absent. */
static const char *info_field(redisContext *c, const char *section, const char *field)
{
    static char val[256];
    redisReply *r = test_cmd(c, "INFO %s", section);
    val[0] = '\0';
    char key[128];
    snprintf(key, sizeof(key), "\n%s:", field);
    const char *p = r->str ? strstr(r->str, key) : NULL;
    if (p) {
        p += strlen(key);
        size_t n = strcspn(p, "\r\n");
        if (n >= sizeof(val))
            n = sizeof(val) - 1;
        memcpy(val, p, n);
        val[n] = '\0';
    }
    freeReplyObject(r);
    return val;
}

/* Wait until the file at path contains needle; 1 found, 0 timeout. */
static int wait_file_has(const char *path, const char *needle, int timeout_ms)
{
    long long deadline = test_mono_ms() + timeout_ms;
    do {
        char *text = test_read_file(path, NULL);
        int found = text && strstr(text, needle);
        free(text);
        if (found)
            return 1;
        test_sleep_ms(10);
    } while (test_mono_ms() < deadline);
    return 0;
}

/* --- maxmemory ------------------------------------------------------------ */

START_TEST(maxmemory_refuses_denyoom_writes)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *c = test_connect(&s);
    redisContext *other = test_connect(&s);

    test_ok(c, "SET keep v");
    test_ok(c, "XADD st 1-1 f v");
    test_ok(c, "XGROUP CREATE st g 0");
    test_ok(c, "XREADGROUP GROUP g alice STREAMS st >");
    test_status(c, "OK", "CONFIG SET maxmemory 1");
    ck_assert_str_eq(info_field(c, "memory", "maxmemory"), "1");
    ck_assert_str_eq(info_field(c, "memory", "maxmemory_human"), "1B");
    ck_assert_str_eq(info_field(c, "memory", "maxmemory_policy"), "noeviction");

    /* denyoom writes: refused with Redis's exact text. */
    test_error(c, OOM, "SET k v");
    test_error(c, OOM, "XADD st * f v");
    test_error(c, OOM, "HSET h f v");
    test_error(c, OOM, "RPUSH l a");
    test_error(c, OOM, "XGROUP CREATE st g2 0");
    ck_assert_int_eq(test_int(c, "XLEN st"), 1);
    /* Reads, deletes, trims and acks still work. */
    redisReply *r = test_cmd(c, "GET keep");
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    ck_assert_str_eq(r->str, "v");
    freeReplyObject(r);
    test_ok(c, "XRANGE st - +");
    ck_assert_int_eq(test_int(c, "XACK st g 1-1"), 1);
    ck_assert_int_eq(test_int(c, "XTRIM st MAXLEN 0"), 1);
    ck_assert_int_eq(test_int(c, "XDEL st 1-1"), 0);
    ck_assert_int_eq(test_int(c, "DEL keep"), 1);
    ck_assert_int_eq(test_int(c, "EXPIRE nokey 10"), 0);

    /* Inside MULTI every queued command is refused (Redis 7.0), and the
     * transaction is then aborted. */
    test_status(c, "OK", "MULTI");
    test_error(c, OOM, "GET k");
    test_error(c, OOM, "DEL k");
    test_error(c, "EXECABORT Transaction discarded because of previous errors.", "EXEC");

    /* An EXEC whose queue holds a denyoom command, the limit reached after
     * queueing: EXECABORT with the OOM reason, the transaction gone. */
    test_status(c, "OK", "CONFIG SET maxmemory 0");
    test_status(c, "OK", "MULTI");
    test_status(c, "QUEUED", "SET k v");
    test_status(c, "QUEUED", "GET k");
    test_status(other, "OK", "CONFIG SET maxmemory 1");
    test_error(c, "EXECABORT Transaction discarded because of: " OOM, "EXEC");
    test_error(c, "ERR EXEC without MULTI", "EXEC");
    /* A queue of reads and deletes runs. */
    test_status(other, "OK", "CONFIG SET maxmemory 0");
    test_status(c, "OK", "MULTI");
    test_status(c, "QUEUED", "DEL k");
    test_status(other, "OK", "CONFIG SET maxmemory 1");
    r = test_cmd(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    ck_assert_int_eq(test_int(c, "EXISTS k"), 0);

    /* Raising the limit lets writes through again. */
    test_status(c, "OK", "CONFIG SET maxmemory 0");
    test_ok(c, "SET k v");
    ck_assert_int_ge(atoi(info_field(c, "errorstats", "errorstat_OOM") + 6), 7);
    ck_assert_int_ge(atoi(info_field(c, "errorstats", "errorstat_EXECABORT") + 6), 2);
    redisFree(other);
    redisFree(c);
    /* The warning for a limit below the current use. */
    ck_assert(wait_file_has(s.log, "is smaller than the current memory usage", 2000));
    test_server_stop(&s);
}
END_TEST

START_TEST(maxmemory_frees_and_recovers)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *c = test_connect(&s);
    long long used = test_info_ll(c, "used_memory");
    ck_assert_int_gt(used, 0);
    ck_assert_int_ge(test_info_ll(c, "used_memory_peak"), used);
    ck_assert_str_eq(info_field(c, "memory", "maxmemory"), "0");

    /* Room for about 20 values of 100 KB over what is used now. */
    char limit[32];
    snprintf(limit, sizeof(limit), "%lld", used + 2 * 1024 * 1024);
    test_status(c, "OK", "CONFIG SET maxmemory %s", limit);
    size_t vlen = 100 * 1024;
    char *val = malloc(vlen);
    memset(val, 'x', vlen);
    int stored = 0, refused = 0;
    for (int i = 0; i < 100 && !refused; i++) {
        redisReply *r = test_cmd(c, "SET big:%d %b", i, val, vlen);
        if (r->type == REDIS_REPLY_ERROR) {
            ck_assert_str_eq(r->str, OOM);
            refused = 1;
        } else {
            stored++;
        }
        freeReplyObject(r);
    }
    ck_assert_msg(refused, "no OOM after %d values of 100 KB over a 2 MB margin", stored);
    ck_assert_int_ge(stored, 10);
    ck_assert_int_le(stored, 30);
    /* Refused once the data, plus the refused request's own buffers (freed
     * since), passed the limit. */
    ck_assert_int_gt(test_info_ll(c, "used_memory"), used + 3 * 512 * 1024);
    /* Deleting frees the room: writes work again. */
    for (int i = 0; i < stored; i++)
        ck_assert_int_eq(test_int(c, "DEL big:%d", i), 1);
    test_ok(c, "SET big:again %b", val, vlen);
    ck_assert_int_ge(test_info_ll(c, "used_memory_peak"), used + 2 * 1024 * 1024);
    ck_assert_int_lt(test_info_ll(c, "used_memory"), used + 1024 * 1024);
    free(val);
    test_status(c, "OK", "CONFIG SET maxmemory 0");
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

START_TEST(maxmemory_config)
{
    struct test_server s;
    const char *extra[] = {"--maxmemory", "100mb", "--maxmemory-samples", "7", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *c = test_connect(&s);
    redisReply *r = test_cmd(c, "CONFIG GET maxmemory");
    ck_assert_int_eq(r->elements, 2);
    ck_assert_str_eq(r->element[1]->str, "104857600");
    freeReplyObject(r);
    ck_assert_str_eq(info_field(c, "memory", "maxmemory_human"), "100.00M");
    test_status(c, "OK", "CONFIG SET maxmemory 1k");
    r = test_cmd(c, "CONFIG GET maxmemory");
    ck_assert_str_eq(r->element[1]->str, "1000");
    freeReplyObject(r);
    test_status(c, "OK", "CONFIG SET maxmemory 0 maxmemory-eviction-tenacity 50");
    r = test_cmd(c, "CONFIG GET maxmemory-samples");
    ck_assert_str_eq(r->element[1]->str, "7");
    freeReplyObject(r);
    /* Eviction policies are refused with a reason; noeviction stays. */
    r = test_cmd(c, "CONFIG SET maxmemory-policy allkeys-lru");
    ck_assert_int_eq(r->type, REDIS_REPLY_ERROR);
    ck_assert_ptr_nonnull(strstr(r->str, "the only maxmemory-policy is noeviction"));
    freeReplyObject(r);
    test_status(c, "OK", "CONFIG SET maxmemory-policy NOEVICTION");
    r = test_cmd(c, "CONFIG GET maxmemory-policy");
    ck_assert_str_eq(r->element[1]->str, "noeviction");
    freeReplyObject(r);
    redisFree(c);
    test_server_stop(&s);

    /* In the config file an eviction policy stops start-up. */
    char dir[] = "/tmp/runnel-svc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char conf[128], out[4096];
    snprintf(conf, sizeof(conf), "%s/r.conf", dir);
    test_write_file(conf, "maxmemory-policy allkeys-lru\n", 29);
    const char *args[] = {test_server_bin(), conf, "--port", "0", "--dir", dir, NULL};
    ck_assert_int_eq(test_server_run_to_exit(args, out, sizeof(out)), 1);
    ck_assert_ptr_nonnull(strstr(out, "FATAL CONFIG FILE ERROR"));
    ck_assert_ptr_nonnull(strstr(out, "the only maxmemory-policy is noeviction"));
    unlink(conf);
    rmdir(dir);
}
END_TEST

/* --- systemd notify --------------------------------------------------------- */

/* A datagram socket standing in for systemd at path ("@name": abstract). */
static int notify_listener(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    size_t len = strlen(path);
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0';
    else
        unlink(path);
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, salen), 0);
    return fd;
}

/* Append every datagram that arrives within wait_ms to log (one per line,
 * its trailing newline kept) until one equals stop. */
static void notify_collect(int fd, char *log, size_t cap, const char *stop, int wait_ms)
{
    long long deadline = test_mono_ms() + wait_ms;
    while (test_mono_ms() < deadline) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        char msg[512];
        ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
        if (n <= 0)
            continue;
        msg[n] = '\0';
        strncat(log, "[", cap - strlen(log) - 1);
        strncat(log, msg, cap - strlen(log) - 1);
        strncat(log, "]", cap - strlen(log) - 1);
        if (stop && strcmp(msg, stop) == 0)
            return;
    }
}

static void notify_run(const char *sockname, const char *mode, char *log, size_t cap)
{
    int fd = notify_listener(sockname);
    setenv("NOTIFY_SOCKET", sockname, 1);
    struct test_server s;
    const char *extra[] = {"--supervised", mode, "--daemonize", "yes", NULL};
    int rc = test_server_start(&s, extra);
    unsetenv("NOTIFY_SOCKET");
    ck_assert_int_eq(rc, 0);
    log[0] = '\0';
    notify_collect(fd, log, cap, "READY=1\n", 5000);
    redisContext *c = test_connect(&s);
    ck_assert_str_eq(info_field(c, "server", "process_supervised"), "systemd");
    redisFree(c);
    ck_assert_int_eq(test_server_stop(&s), 0);
    notify_collect(fd, log, cap, "STOPPING=1\n", 5000);
    close(fd);
    if (sockname[0] == '/')
        unlink(sockname);
}

START_TEST(systemd_notify)
{
    static const char want[] = "[STATUS=Runnel is loading...\n][STATUS=Ready to accept "
                               "connections\n][READY=1\n][STOPPING=1\n]";
    char path[108], log[2048];
    snprintf(path, sizeof(path), "/tmp/runnel-notify-%ld.sock", (long)getpid());
    /* A path, with supervised systemd (daemonize is then ignored). */
    notify_run(path, "systemd", log, sizeof(log));
    ck_assert_str_eq(log, want);
    /* An abstract name, found by supervised auto. */
    char abstract[64];
    snprintf(abstract, sizeof(abstract), "@runnel-notify-%ld", (long)getpid());
    notify_run(abstract, "auto", log, sizeof(log));
    ck_assert_str_eq(log, want);

    /* Redis 7.0 sends the same datagrams (its product name aside). */
    char dir[] = "/tmp/runnel-svc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    int fd = notify_listener(path);
    setenv("NOTIFY_SOCKET", path, 1);
    struct test_oracle o;
    const char *extra[] = {"--supervised", "systemd", NULL};
    int rc = test_oracle_start(&o, dir, extra);
    unsetenv("NOTIFY_SOCKET");
    ck_assert_int_eq(rc, 0);
    char rlog[2048] = "";
    notify_collect(fd, rlog, sizeof(rlog), "READY=1\n", 5000);
    test_oracle_stop(&o);
    notify_collect(fd, rlog, sizeof(rlog), "STOPPING=1\n", 5000);
    close(fd);
    unlink(path);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    char *p = strstr(rlog, "Redis is loading");
    ck_assert_ptr_nonnull(p);
    memmove(p + 6, p + 5, strlen(p + 5) + 1); /* "Redis" -> "Runnel" */
    memcpy(p, "Runnel", 6);
    ck_assert_str_eq(rlog, want);
}
END_TEST

START_TEST(systemd_requested_without_socket)
{
    unsetenv("NOTIFY_SOCKET");
    struct test_server s;
    const char *extra[] = {"--supervised", "systemd", NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    redisContext *c = test_connect(&s);
    ck_assert_str_eq(info_field(c, "server", "process_supervised"), "no");
    redisFree(c);
    ck_assert(wait_file_has(s.log, "NOTIFY_SOCKET environment variable not found", 2000));
    test_server_stop(&s);
}
END_TEST

START_TEST(upstart_stops_when_ready)
{
    char dir[] = "/tmp/runnel-svc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sock[160];
    snprintf(sock, sizeof(sock), "%s/sock", dir);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("UPSTART_JOB", "runnel", 1);
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(test_server_bin(), test_server_bin(), "--port", "0", "--unixsocket", sock,
              "--dir", dir, "--supervised", "auto", "--daemonize", "yes", (char *)NULL);
        _exit(127);
    }
    /* upstart's `expect stop`: the server stops itself once ready (and
     * stays in the foreground: it is our child that stops). */
    int st;
    ck_assert_int_eq(waitpid(pid, &st, WUNTRACED), pid);
    ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status %x", st);
    ck_assert_int_eq(kill(pid, SIGCONT), 0);
    redisContext *c = redisConnectUnix(sock);
    ck_assert(c && !c->err);
    ck_assert_str_eq(info_field(c, "server", "process_supervised"), "upstart");
    redisFree(c);
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* --- daemonize, pid file, SIGHUP ------------------------------------------- */

/* Reap whatever exited (the daemonizing parents reparented to us). */
static void reap_all(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

START_TEST(daemonize_and_pidfile)
{
    /* The daemon is reparented to us, so we can wait for it. */
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    char dir[] = "/tmp/runnel-svc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char pidfile[128], logfile[128];
    snprintf(pidfile, sizeof(pidfile), "%s/runnel.pid", dir);
    snprintf(logfile, sizeof(logfile), "%s/runnel.log", dir);

    pid_t launcher = fork();
    if (launcher == 0) {
        execl(test_server_bin(), test_server_bin(), "--port", "0", "--unixsocket", "sock",
              "--dir", dir, "--daemonize", "yes", "--pidfile", pidfile, "--logfile", logfile,
              (char *)NULL);
        _exit(127);
    }
    int st;
    ck_assert_int_eq(waitpid(launcher, &st, 0), launcher);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* The daemon answers on its unix socket; its pid file names it. */
    char sock[160];
    snprintf(sock, sizeof(sock), "%s/sock", dir);
    redisContext *c = NULL;
    long long deadline = test_mono_ms() + 5000;
    while (test_mono_ms() < deadline) {
        c = redisConnectUnix(sock);
        if (c && !c->err)
            break;
        if (c)
            redisFree(c);
        c = NULL;
        test_sleep_ms(10);
    }
    ck_assert_ptr_nonnull(c);
    char *text = test_read_file(pidfile, NULL);
    ck_assert_ptr_nonnull(text);
    long pid = strtol(text, NULL, 10);
    ck_assert_msg(strlen(text) > 1 && text[strlen(text) - 1] == '\n', "pid file '%s'", text);
    free(text);
    ck_assert_int_gt(pid, 0);
    ck_assert_int_ne(pid, launcher);
    char field[32];
    snprintf(field, sizeof(field), "%ld", pid);
    ck_assert_str_eq(info_field(c, "server", "process_id"), field);
    redisFree(c);
    /* Detached: a session of its own (not its leader, after the second
     * fork), standard input on /dev/null. */
    pid_t sid = getsid((pid_t)pid);
    ck_assert_int_ne(sid, getsid(0));
    ck_assert_int_ne(sid, pid);
    char fd0[64], target[PATH_MAX];
    snprintf(fd0, sizeof(fd0), "/proc/%ld/fd/0", pid);
    ssize_t tl = readlink(fd0, target, sizeof(target) - 1);
    ck_assert_int_gt(tl, 0);
    target[tl] = '\0';
    ck_assert_str_eq(target, "/dev/null");
    ck_assert(wait_file_has(logfile, "Ready to accept connections", 2000));

    /* SIGTERM: clean exit, pid file removed. */
    reap_all();
    ck_assert_int_eq(kill((pid_t)pid, SIGTERM), 0);
    ck_assert_int_eq(waitpid((pid_t)pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_eq(access(pidfile, F_OK), -1);
    ck_assert(wait_file_has(logfile, "Removing the pid file.", 100));
    reap_all();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(pidfile_in_foreground)
{
    char pidfile[128];
    snprintf(pidfile, sizeof(pidfile), "/tmp/runnel-fg-%ld.pid", (long)getpid());
    struct test_server s;
    const char *extra[] = {"--pidfile", pidfile, NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    char *text = test_read_file(pidfile, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(strtol(text, NULL, 10), s.pid);
    free(text);
    ck_assert_int_eq(test_server_stop(&s), 0);
    ck_assert_int_eq(access(pidfile, F_OK), -1);
}
END_TEST

START_TEST(sighup_reopens_log)
{
    char logfile[300], rotated[320];
    struct test_server s;
    /* The server's temp dir is made by the harness; the log goes there. */
    snprintf(logfile, sizeof(logfile), "/tmp/runnel-hup-%ld.log", (long)getpid());
    snprintf(rotated, sizeof(rotated), "%s.1", logfile);
    unlink(logfile);
    unlink(rotated);
    const char *extra[] = {"--logfile", logfile, NULL};
    ck_assert_int_eq(test_server_start(&s, extra), 0);
    ck_assert(wait_file_has(logfile, "Ready to accept connections", 2000));

    /* logrotate: move the file away, then SIGHUP. */
    ck_assert_int_eq(rename(logfile, rotated), 0);
    ck_assert_int_eq(kill(s.pid, SIGHUP), 0);
    ck_assert(wait_file_has(logfile, "Received SIGHUP, log file reopened.", 3000));
    /* New lines go to the new file only. */
    redisContext *c = test_connect(&s);
    test_ok(c, "CONFIG SET maxmemory 1");
    test_ok(c, "CONFIG SET maxmemory 0");
    redisFree(c);
    ck_assert(wait_file_has(logfile, "is smaller than the current memory usage", 2000));
    char *old = test_read_file(rotated, NULL);
    ck_assert_ptr_nonnull(old);
    ck_assert_ptr_null(strstr(old, "SIGHUP"));
    ck_assert_ptr_null(strstr(old, "is smaller than"));
    free(old);
    ck_assert(test_server_alive(&s));
    ck_assert_int_eq(test_server_stop(&s), 0);
    unlink(logfile);
    unlink(rotated);
}
END_TEST

/* --- buffer limits logged --------------------------------------------------- */

START_TEST(buffer_limits_logged)
{
    struct test_server s;
    ck_assert_int_eq(test_server_start(&s, NULL), 0);
    redisContext *c = test_connect(&s);
    test_ok(c, "CONFIG SET client-query-buffer-limit 1mb");

    /* A request of 2 MB in one argument overflows a 1 MB query buffer. */
    int fd = test_raw_connect(&s);
    const char head[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n";
    ck_assert_int_eq(write(fd, head, sizeof(head) - 1), (ssize_t)sizeof(head) - 1);
    size_t len = 2000000;
    char *chunk = malloc(len);
    memset(chunk, 'q', len);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    size_t off = 0;
    long long deadline = test_mono_ms() + 5000;
    while (off < len && test_mono_ms() < deadline) {
        ssize_t w = write(fd, chunk + off, len - off);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && errno != EAGAIN)
            break;
        else
            test_sleep_ms(1);
    }
    free(chunk);
    close(fd);
    ck_assert_int_eq(test_wait_info(c, "client_query_buffer_limit_disconnections", 1, 5000), 0);
    ck_assert(wait_file_has(s.log, "Closing client that reached max query buffer length: id=",
                            2000));
    ck_assert(wait_file_has(s.log, "(qbuf initial bytes: \"qqqq", 100));
    test_ok(c, "CONFIG SET client-query-buffer-limit 1gb");

    /* A client that does not read its replies past a 1 MB hard limit. */
    test_ok(c, "CONFIG SET client-output-buffer-limit %s", "normal 1mb 0 0");
    size_t vlen = 300 * 1000;
    char *val = malloc(vlen);
    memset(val, 'o', vlen);
    test_ok(c, "SET big %b", val, vlen);
    free(val);
    fd = test_raw_connect(&s);
    char req[] = "GET big\r\nGET big\r\nGET big\r\nGET big\r\nGET big\r\nGET big\r\n";
    ck_assert_int_eq(write(fd, req, sizeof(req) - 1), (ssize_t)sizeof(req) - 1);
    ck_assert_int_eq(test_wait_info(c, "client_output_buffer_limit_disconnections", 1, 5000), 0);
    close(fd);
    ck_assert(wait_file_has(
        s.log, "scheduled to be closed ASAP for overcoming of output buffer limits.", 2000));
    test_ok(c, "CONFIG SET client-output-buffer-limit %s", "normal 0 0 0");
    redisFree(c);
    test_server_stop(&s);
}
END_TEST

static Suite *service_suite(void)
{
    Suite *s = suite_create("service");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, maxmemory_refuses_denyoom_writes);
    tcase_add_test(tc, maxmemory_frees_and_recovers);
    tcase_add_test(tc, maxmemory_config);
    tcase_add_test(tc, systemd_notify);
    tcase_add_test(tc, systemd_requested_without_socket);
    tcase_add_test(tc, upstart_stops_when_ready);
    tcase_add_test(tc, daemonize_and_pidfile);
    tcase_add_test(tc, pidfile_in_foreground);
    tcase_add_test(tc, sighup_reopens_log);
    tcase_add_test(tc, buffer_limits_logged);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(service_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
