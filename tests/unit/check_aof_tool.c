/* check_aof_tool.c -- Check suite that runs the built runnel-check-aof.
 *
 * The binary comes from $RUNNEL_CHECK_AOF (set by `make unit` and `make
 * test` to the variant just built), else src/runnel-check-aof.  Each test
 * writes files into its own temp dir, runs the tool and checks the exit
 * status, the lines it prints and what it left on disk: valid, empty,
 * truncated, corrupt, an open MULTI, manifests with base and incr files,
 * --fix and --truncate-to-timestamp.  When redis-check-aof 7.0 is
 * installed (redis-tools), the "AOF analyzed" figures are compared with
 * its own on the same files. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REDIS_CHECK_AOF "/usr/bin/redis-check-aof"

static const char *tool_path(void)
{
    const char *p = getenv("RUNNEL_CHECK_AOF");
    return p && *p ? p : "src/runnel-check-aof";
}

/* Run prog with the NULL-terminated arguments; stdout and stderr go to
 * out.  Returns the exit status (-1 if it did not exit normally). */
static int run_prog(const char *prog, char *out, size_t cap, const char *const *args)
{
    int fds[2];
    const char *argv[16];
    int n = 0;

    argv[n++] = prog;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0); /* a prompt would read EOF, never hang */
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(fds[0], out + len, cap - 1 - len)) > 0)
        len += (size_t)r;
    out[len] = '\0';
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char out[65536];

/* Run the tool; arguments NULL-terminated. */
static int tool(const char *a, ...)
{
    const char *args[16];
    int n = 0;
    va_list ap;
    args[n++] = a;
    va_start(ap, a);
    while ((args[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    return run_prog(tool_path(), out, sizeof(out), args);
}

#define HAS(s) ck_assert_msg(strstr(out, (s)) != NULL, "missing [%s] in:\n%s", (s), out)
#define HASNT(s) ck_assert_msg(strstr(out, (s)) == NULL, "unexpected [%s] in:\n%s", (s), out)

/* ---- temp files --------------------------------------------------------- */

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/runnel-check-aof-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static char *path_of(const char *name)
{
    static char bufs[4][512];
    static int next;
    char *p = bufs[next++ % 4];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(path_of(name), "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static long long size_of(const char *name)
{
    struct stat st;
    ck_assert_int_eq(stat(path_of(name), &st), 0);
    return (long long)st.st_size;
}

/* A growing AOF text. */
struct text {
    char buf[8192];
    size_t len;
};

static void t_raw(struct text *t, const char *s)
{
    size_t n = strlen(s);
    ck_assert_uint_lt(t->len + n, sizeof(t->buf));
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

/* Append a command of C-string arguments, NULL-terminated. */
static void t_cmd(struct text *t, ...)
{
    const char *argv[16];
    int argc = 0;
    char line[64];
    va_list ap;
    va_start(ap, t);
    while ((argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    va_end(ap);
    snprintf(line, sizeof(line), "*%d\r\n", argc);
    t_raw(t, line);
    for (int i = 0; i < argc; i++) {
        snprintf(line, sizeof(line), "$%zu\r\n", strlen(argv[i]));
        t_raw(t, line);
        t_raw(t, argv[i]);
        t_raw(t, "\r\n");
    }
}

/* Three commands: 23 + 44 + 20 bytes (a SELECT, an XADD, a DEL), 21 lines. */
static void t_sample(struct text *t)
{
    t_cmd(t, "SELECT", "0", NULL);
    t_cmd(t, "XADD", "s", "1-1", "f", "v", NULL);
    t_cmd(t, "DEL", "s", NULL);
}

/* ---- single files ------------------------------------------------------- */

START_TEST(test_usage)
{
    make_dir();
    ck_assert_int_eq(tool(NULL), 1);
    HAS("Usage: ");
    ck_assert_int_eq(tool("--fix", NULL), 1);
    HAS("Usage: ");
    ck_assert_int_eq(tool("--bogus", "x", NULL), 1);
    HAS("Invalid argument: --bogus");
    ck_assert_int_eq(tool("a", "b", NULL), 1);
    HAS("Usage: ");
    ck_assert_int_eq(tool("--truncate-to-timestamp", "12x", "f", NULL), 1);
    HAS("Invalid timestamp, aborting...");
    ck_assert_int_eq(tool("--truncate-to-timestamp", NULL), 1);
    HAS("Usage: ");
    ck_assert_int_eq(tool(path_of("missing.aof"), NULL), 1);
    HAS("Cannot open file:");
    remove_dir();
}
END_TEST

START_TEST(test_valid_and_empty)
{
    struct text t = {{0}, 0};
    char want[1024];

    make_dir();
    t_sample(&t);
    write_file("a.aof", t.buf, t.len);
    ck_assert_int_eq(tool(path_of("a.aof"), NULL), 0);
    HAS("Start checking Old-Style AOF\n");
    snprintf(want, sizeof(want),
             "AOF analyzed: filename=%s, size=%zu, ok_up_to=%zu, ok_up_to_line=%d, diff=0\n",
             path_of("a.aof"), t.len, t.len, 1 + 5 + 11 + 5);
    HAS(want);
    snprintf(want, sizeof(want), "AOF %s is valid\n", path_of("a.aof"));
    HAS(want);

    write_file("e.aof", "", 0);
    ck_assert_int_eq(tool(path_of("e.aof"), NULL), 0);
    HAS(" is empty\n");

    /* --fix on a valid file changes nothing. */
    ck_assert_int_eq(tool("--fix", path_of("a.aof"), NULL), 0);
    ck_assert_int_eq(size_of("a.aof"), (long long)t.len);
    remove_dir();
}
END_TEST

START_TEST(test_truncated_and_fixed)
{
    struct text t = {{0}, 0};

    make_dir();
    t_sample(&t);
    /* Cut the DEL in its middle: a crash during an append. */
    write_file("a.aof", t.buf, t.len - 6);
    ck_assert_int_eq(tool(path_of("a.aof"), NULL), 1);
    HAS("ok_up_to=67, ok_up_to_line=17, diff=14\n");
    HAS("is not valid. Use the --fix option to try fixing it.\n");
    ck_assert_int_eq(size_of("a.aof"), (long long)t.len - 6);

    /* --fix asks nothing, says what it does, and leaves a valid file. */
    ck_assert_int_eq(tool("--fix", path_of("a.aof"), NULL), 0);
    HAS("This will shrink the AOF ");
    HAS(" from 81 bytes, with 14 bytes, to 67 bytes\n");
    HAS("Successfully truncated AOF ");
    HASNT("Continue?");
    ck_assert_int_eq(size_of("a.aof"), 67);
    ck_assert_int_eq(tool(path_of("a.aof"), NULL), 0);
    HAS(" is valid\n");

    /* Zeros at the end (an extended but unwritten tail) are a cut too. */
    char z[128];
    memcpy(z, t.buf, 67);
    memset(z + 67, 0, 40);
    write_file("z.aof", z, 107);
    ck_assert_int_eq(tool(path_of("z.aof"), NULL), 1);
    HAS("bytes of padding or zeros");
    ck_assert_int_eq(tool("--fix", path_of("z.aof"), NULL), 0);
    ck_assert_int_eq(size_of("z.aof"), 67);
    remove_dir();
}
END_TEST

START_TEST(test_corrupt_not_fixed)
{
    struct text t = {{0}, 0};

    make_dir();
    t_sample(&t);
    t.buf[23 + 4] = '?'; /* the XADD's "$4" -> "?4" */
    write_file("c.aof", t.buf, t.len);
    ck_assert_int_eq(tool(path_of("c.aof"), NULL), 1);
    HAS("0x              1b: Expected prefix '$', got: '?'\n");
    HAS("ok_up_to=23, ok_up_to_line=6, diff=64\n");
    HAS("is not valid: bad data at offset 27 (line 6): Expected prefix '$', got: '?'\n");
    /* --fix refuses: truncating would drop the DEL after the damage. */
    ck_assert_int_eq(tool("--fix", path_of("c.aof"), NULL), 1);
    HAS("Not truncating AOF ");
    ck_assert_int_eq(size_of("c.aof"), (long long)t.len);

    /* An inline command is not AOF. */
    write_file("i.aof", "SET k v\r\n", 9);
    ck_assert_int_eq(tool(path_of("i.aof"), NULL), 1);
    HAS("Bad file format: expected '*' or '#', got: 'S'");
    remove_dir();
}
END_TEST

START_TEST(test_open_multi)
{
    struct text t = {{0}, 0};

    make_dir();
    t_cmd(&t, "SELECT", "0", NULL);
    t_cmd(&t, "MULTI", NULL);
    t_cmd(&t, "XADD", "s", "1-1", "f", "v", NULL);
    write_file("m.aof", t.buf, t.len);
    ck_assert_int_eq(tool(path_of("m.aof"), NULL), 1);
    HAS("Reached EOF before reading EXEC for MULTI\n");
    HAS("ok_up_to=23, ");
    ck_assert_int_eq(tool("--fix", path_of("m.aof"), NULL), 0);
    ck_assert_int_eq(size_of("m.aof"), 23);

    /* A stray EXEC is damage. */
    t.len = 0;
    t_cmd(&t, "SELECT", "0", NULL);
    t_cmd(&t, "EXEC", NULL);
    write_file("x.aof", t.buf, t.len);
    ck_assert_int_eq(tool("--fix", path_of("x.aof"), NULL), 1);
    HAS("Unexpected EXEC");
    remove_dir();
}
END_TEST

/* An RDB image with one string key k = v (SELECTDB 0, type 0), no
 * checksum (eight zero bytes: "not computed", which loaders accept). */
static const char RDB_ONE_KEY[] = "REDIS0010\xfe\x00\x00\x01k\x01v\xff\0\0\0\0\0\0\0\0";
#define RDB_ONE_KEY_LEN (sizeof(RDB_ONE_KEY) - 1)

/* An old-style file: RDB preamble, then commands.  The image is checked by
 * the server's loader, then the tail as AOF; --fix cuts the tail at an
 * offset counted from the file's start. */
START_TEST(test_rdb_preamble_checked)
{
    make_dir();
    struct text t = {{0}, 0};
    memcpy(t.buf, RDB_ONE_KEY, RDB_ONE_KEY_LEN);
    t.len = RDB_ONE_KEY_LEN;
    t_cmd(&t, "SET", "a", "1", NULL);
    size_t whole = t.len;
    t_raw(&t, "*3\r\n$3\r\nSE");
    write_file("r.aof", t.buf, t.len);
    ck_assert_int_eq(tool(path_of("r.aof"), NULL), 1);
    HAS("Start checking Old-Style AOF\n");
    HAS("] Checking RDB file ");
    HAS("\\o/ RDB looks OK! \\o/\n");
    HAS("[info] 1 keys read\n");
    HAS("RDB preamble is OK, proceeding with AOF tail...\n");
    HAS("is not valid. Use the --fix option to try fixing it.\n");
    ck_assert_int_eq(tool("--fix", path_of("r.aof"), NULL), 0);
    HAS("Successfully truncated AOF ");
    ck_assert_int_eq(size_of("r.aof"), (long long)whole);
    ck_assert_int_eq(tool(path_of("r.aof"), NULL), 0);
    HAS(" is valid\n");

    /* A damaged image: reported, never "fixed". */
    write_file("bad.aof", RDB_ONE_KEY, 14); /* cut inside the key's value */
    ck_assert_int_eq(tool("--fix", path_of("bad.aof"), NULL), 1);
    HAS("--- RDB ERROR DETECTED ---\n");
    HAS("RDB preamble of AOF file is not sane, aborting.\n");
    ck_assert_int_eq(size_of("bad.aof"), 14);
    remove_dir();
}
END_TEST

START_TEST(test_truncate_to_timestamp)
{
    struct text t = {{0}, 0};

    make_dir();
    t_raw(&t, "#TS:100\r\n");
    t_cmd(&t, "SET", "a", "1", NULL);
    size_t before200 = t.len;
    t_raw(&t, "#TS:200\r\n");
    t_cmd(&t, "SET", "b", "2", NULL);
    size_t before300 = t.len;
    t_raw(&t, "#TS:300\r\n");
    t_cmd(&t, "SET", "c", "3", NULL);
    write_file("t.aof", t.buf, t.len);

    ck_assert_int_eq(tool("--truncate-to-timestamp", "1000", path_of("t.aof"), NULL), 0);
    HAS("Truncate nothing in AOF ");
    ck_assert_int_eq(size_of("t.aof"), (long long)t.len);

    ck_assert_int_eq(tool("--truncate-to-timestamp", "50", path_of("t.aof"), NULL), 1);
    HAS("has nothing before timestamp 50, aborting...");
    ck_assert_int_eq(size_of("t.aof"), (long long)t.len);

    ck_assert_int_eq(tool("--truncate-to-timestamp", "250", path_of("t.aof"), NULL), 0);
    HAS("Successfully truncated AOF ");
    HAS(" to timestamp 250\n");
    ck_assert_int_eq(size_of("t.aof"), (long long)before300);

    ck_assert_int_eq(tool("--truncate-to-timestamp", "199", path_of("t.aof"), NULL), 0);
    ck_assert_int_eq(size_of("t.aof"), (long long)before200);
    ck_assert_int_eq(tool(path_of("t.aof"), NULL), 0);

    /* A bad number in a TS annotation. */
    write_file("bad.aof", "#TS:12x\r\n", 9);
    ck_assert_int_eq(tool("--truncate-to-timestamp", "5", path_of("bad.aof"), NULL), 1);
    HAS("Invalid timestamp annotation");
    remove_dir();
}
END_TEST

/* ---- manifests ---------------------------------------------------------- */

static void write_manifest(const char *text)
{
    write_file("appendonly.aof.manifest", text, strlen(text));
}

START_TEST(test_manifest_valid)
{
    struct text base = {{0}, 0}, i1 = {{0}, 0}, i2 = {{0}, 0};

    make_dir();
    t_sample(&base);
    t_cmd(&i1, "XADD", "s", "2-1", "f", "v", NULL);
    t_raw(&i2, "#TS:1700000000\r\n");
    t_cmd(&i2, "XADD", "s", "3-1", "f", "v", NULL);
    write_file("appendonly.aof.1.base.aof", base.buf, base.len);
    write_file("appendonly.aof.1.incr.aof", i1.buf, i1.len);
    write_file("appendonly.aof.2.incr.aof", i2.buf, i2.len);
    write_manifest("file appendonly.aof.1.base.aof seq 1 type b\n"
                   "file appendonly.aof.0.incr.aof seq 1 type h\n" /* never checked */
                   "file appendonly.aof.1.incr.aof seq 1 type i\n"
                   "file appendonly.aof.2.incr.aof seq 2 type i\n");
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 0);
    HAS("Start checking Multi Part AOF\n"
        "Start to check BASE AOF (RESP format).\n"
        "AOF analyzed: filename=appendonly.aof.1.base.aof, size=87, ok_up_to=87, "
        "ok_up_to_line=22, diff=0\n"
        "BASE AOF appendonly.aof.1.base.aof is valid\n"
        "Start to check INCR files.\n");
    HAS("INCR AOF appendonly.aof.1.incr.aof is valid\n");
    HAS("INCR AOF appendonly.aof.2.incr.aof is valid\n");
    HAS("All AOF files and manifest are valid\n");

    /* Found by content too, whatever its name. */
    ck_assert_int_eq(rename(path_of("appendonly.aof.manifest"), path_of("list")), 0);
    ck_assert_int_eq(tool(path_of("list"), NULL), 0);
    HAS("Start checking Multi Part AOF\n");

    /* An RDB base is checked, an empty incr file is fine. */
    write_file("appendonly.aof.3.base.rdb", RDB_ONE_KEY, RDB_ONE_KEY_LEN);
    write_file("appendonly.aof.3.incr.aof", "", 0);
    write_manifest("file appendonly.aof.3.base.rdb seq 3 type b\n"
                   "file appendonly.aof.3.incr.aof seq 3 type i\n");
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 0);
    HAS("Start to check BASE AOF (RDB format).\n"
        "[offset 0] Checking RDB file appendonly.aof.3.base.rdb\n");
    HAS("BASE AOF appendonly.aof.3.base.rdb is valid\n");
    HAS("INCR AOF appendonly.aof.3.incr.aof is empty\n");
    HAS("All AOF files and manifest are valid\n");
    remove_dir();
}
END_TEST

START_TEST(test_manifest_truncated_last)
{
    struct text base = {{0}, 0}, i1 = {{0}, 0};

    make_dir();
    t_sample(&base);
    t_cmd(&i1, "XADD", "s", "2-1", "f", "v", NULL);
    t_cmd(&i1, "XADD", "s", "2-2", "f", "v", NULL);
    write_file("appendonly.aof.1.base.aof", base.buf, base.len);
    write_file("appendonly.aof.1.incr.aof", i1.buf, i1.len - 3);
    write_manifest("file appendonly.aof.1.base.aof seq 1 type b\n"
                   "file appendonly.aof.1.incr.aof seq 1 type i\n");
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 1);
    HAS("AOF appendonly.aof.1.incr.aof is not valid. Use the --fix option");
    HASNT("All AOF files and manifest are valid");
    ck_assert_int_eq(tool("--fix", path_of("appendonly.aof.manifest"), NULL), 0);
    HAS("Successfully truncated AOF appendonly.aof.1.incr.aof\n");
    HAS("All AOF files and manifest are valid\n");
    ck_assert_int_eq(size_of("appendonly.aof.1.incr.aof"), (long long)i1.len / 2);
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 0);
    remove_dir();
}
END_TEST

START_TEST(test_manifest_truncated_middle)
{
    struct text i1 = {{0}, 0}, i2 = {{0}, 0};

    make_dir();
    t_sample(&i1);
    t_cmd(&i2, "DEL", "x", NULL);
    write_file("appendonly.aof.1.incr.aof", i1.buf, i1.len - 1);
    write_file("appendonly.aof.2.incr.aof", i2.buf, i2.len);
    write_manifest("file appendonly.aof.1.incr.aof seq 1 type i\n"
                   "file appendonly.aof.2.incr.aof seq 2 type i\n");
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 1);
    HAS("only the last file may be");
    ck_assert_int_eq(tool("--fix", path_of("appendonly.aof.manifest"), NULL), 1);
    HAS("Failed to truncate AOF appendonly.aof.1.incr.aof because it is not the last file");
    ck_assert_int_eq(size_of("appendonly.aof.1.incr.aof"), (long long)i1.len - 1);

    /* --truncate-to-timestamp in a file that is not the last one. */
    struct text ts = {{0}, 0};
    t_raw(&ts, "#TS:1\r\n");
    t_sample(&ts);
    t_raw(&ts, "#TS:9\r\n");
    t_cmd(&ts, "DEL", "y", NULL);
    write_file("appendonly.aof.1.incr.aof", ts.buf, ts.len);
    ck_assert_int_eq(tool("--truncate-to-timestamp", "5", path_of("appendonly.aof.manifest"),
                          NULL),
                     1);
    HAS("because it is not the last file.\n");
    ck_assert_int_eq(size_of("appendonly.aof.1.incr.aof"), (long long)ts.len);
    remove_dir();
}
END_TEST

START_TEST(test_manifest_errors)
{
    make_dir();
    write_manifest("file a.1.base.aof seq 1 type b\nfile a.2.base.aof seq 2 type b\n");
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 1);
    HAS("*** FATAL AOF MANIFEST FILE ERROR ***");
    HAS("Found duplicate base file information");

    /* A listed file that is not there. */
    write_manifest("file appendonly.aof.7.incr.aof seq 7 type i\n");
    ck_assert_int_eq(tool(path_of("appendonly.aof.manifest"), NULL), 1);
    HAS("appendonly.aof.7.incr.aof listed in the manifest cannot be read");
    HASNT("All AOF files and manifest are valid");

    /* Corruption in a base: reported with file, offset and line. */
    write_file("appendonly.aof.1.base.aof", "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPONGxx", 28);
    write_manifest("file appendonly.aof.1.base.aof seq 1 type b\n");
    ck_assert_int_eq(tool("--fix", path_of("appendonly.aof.manifest"), NULL), 1);
    HAS("AOF appendonly.aof.1.base.aof is not valid: bad data at offset 26 (line 4)");
    remove_dir();
}
END_TEST

/* ---- against redis-check-aof 7.0 ---------------------------------------- */

/* The value of "key=" in the "AOF analyzed" line of buf, or -1. */
static long long field(const char *buf, const char *key)
{
    const char *line = strstr(buf, "AOF analyzed:");
    if (!line)
        return -1;
    const char *p = strstr(line, key);
    return p ? atoll(p + strlen(key)) : -1;
}

START_TEST(test_same_figures_as_redis)
{
    static char rout[65536];
    struct text t = {{0}, 0};

    if (access(REDIS_CHECK_AOF, X_OK) != 0)
        return; /* redis-tools is not installed */
    make_dir();
    t_cmd(&t, "SELECT", "0", NULL);
    t_cmd(&t, "XADD", "s", "1-1", "f", "v", NULL);
    t_cmd(&t, "MULTI", NULL);
    t_cmd(&t, "XADD", "s", "1-2", "f", "v", NULL);
    t_cmd(&t, "EXEC", NULL);
    t_cmd(&t, "DEL", "s", NULL);
    /* Every cut of the file: valid, cut in a command, open MULTI. */
    for (size_t cut = 1; cut <= t.len; cut++) {
        const char *args[] = {path_of("f.aof"), NULL};
        write_file("f.aof", t.buf, cut);
        int rc = run_prog(REDIS_CHECK_AOF, rout, sizeof(rout), args);
        int ours = tool(path_of("f.aof"), NULL);
        ck_assert_msg(rc == ours, "cut %zu: redis exit %d, ours %d\n%s\n%s", cut, rc, ours,
                      rout, out);
        ck_assert_int_eq(field(out, "size="), field(rout, "size="));
        ck_assert_msg(field(out, "ok_up_to=") == field(rout, "ok_up_to="),
                      "cut %zu:\n%s\n%s", cut, rout, out);
        ck_assert_int_eq(field(out, "diff="), field(rout, "diff="));
        if (rc == 0) /* Redis's line count is ours for whole files */
            ck_assert_int_eq(field(out, "ok_up_to_line="), field(rout, "ok_up_to_line="));
    }
    remove_dir();
}
END_TEST

static Suite *tool_suite(void)
{
    Suite *s = suite_create("runnel-check-aof");
    TCase *tc = tcase_create("single");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_usage);
    tcase_add_test(tc, test_valid_and_empty);
    tcase_add_test(tc, test_truncated_and_fixed);
    tcase_add_test(tc, test_corrupt_not_fixed);
    tcase_add_test(tc, test_open_multi);
    tcase_add_test(tc, test_rdb_preamble_checked);
    tcase_add_test(tc, test_truncate_to_timestamp);
    suite_add_tcase(s, tc);

    tc = tcase_create("manifest");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_manifest_valid);
    tcase_add_test(tc, test_manifest_truncated_last);
    tcase_add_test(tc, test_manifest_truncated_middle);
    tcase_add_test(tc, test_manifest_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("redis");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_same_figures_as_redis);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tool_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
