/* check_command_docs.c -- Check suite for command_docs.c and cmd_command.c.
 *
 * The notation: well-formed and malformed strings for the start-up
 * validator, exact RESP2/RESP3 bytes from the emitter, and every row of
 * command_docs.def accepted and matched to a row of commands.def.  Key
 * extraction: key specs of DEL, RENAME, COPY, OBJECT ENCODING, EXPIRE
 * (index + range), XREAD/XREADGROUP (keyword + range with a limit), EVAL
 * (keynum), MIGRATE (keyword searched backwards), and the first/last/step
 * fallback.  The handlers: exact bytes for a few replies and every error.
 *
 * Expected bytes were taken from redis-server 7.0.15 (COMMAND INFO expire,
 * COMMAND DOCS time, COMMAND GETKEYSANDFLAGS rename a b, ...), under
 * HELLO 2 and HELLO 3.  The key specs of the commands not yet in
 * commands.def (XREAD, EVAL, MIGRATE) are the oracle's, in the notation.
 *
 * command_lookup() and command_lookup_sub() are stubbed here over a table
 * built from commands.def + command_docs.def, so the suite needs neither
 * command.c nor a server. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_command.h"
#include "command.h"
#include "command_docs.h"
#include "conn.h"
#include "mem.h"
#include "reply.h"
#include "server.h"
#include "util.h"

/* ------------------------------------------------------------ fixture --- */

static const struct command table_rows[] = {
#define CMD(fullname, handler, arity, flags, fk, lk, step, acl) \
    {fullname, NULL, arity, flags, fk, lk, step, acl, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0},
#include "commands.def"
#undef CMD
};

static const char *const doc_names[] = {
#define DOC(fullname, docs, keyspecs, tips) fullname,
#include "command_docs.def"
#undef DOC
};

#define NTABLE ((int)(sizeof(table_rows) / sizeof(table_rows[0])))
#define NDOCNAMES ((int)(sizeof(doc_names) / sizeof(doc_names[0])))

static struct server *srv;
static size_t mem_before;

/* Stub of command.c's lookup: top-level commands only. */
struct command *command_lookup(struct server *s, const char *name, size_t len)
{
    for (int i = 0; i < s->ncommands; i++) {
        struct command *cmd = &s->commands[i];

        if (!cmd->parent && util_eq_nocase(name, len, cmd->fullname))
            return cmd;
    }
    return NULL;
}

/* Stub of command.c's subcommand lookup. */
struct command *command_lookup_sub(const struct command *parent, const char *name, size_t len)
{
    for (int i = 0; i < parent->nsubs; i++)
        if (util_eq_nocase(name, len, parent->subs[i]->name))
            return parent->subs[i];
    return NULL;
}

/* Stub of command.c's syntax error. */
void reply_syntax_error(struct conn *c)
{
    reply_error(&c->out, "ERR syntax error");
}

/* The table as command_table_init() builds it: rows, docs, parents. */
static void setup(void)
{
    char err[256];

    mem_before = mem_used();
    srv = mem_calloc(sizeof(*srv));
    srv->ncommands = NTABLE;
    srv->commands = mem_calloc(sizeof(struct command) * NTABLE);
    memcpy(srv->commands, table_rows, sizeof(table_rows));
    ck_assert_msg(command_docs_attach(srv->commands, NTABLE, err, sizeof(err)) == 0, "%s", err);
    for (int i = 0; i < NTABLE; i++) {
        struct command *cmd = &srv->commands[i];
        const char *bar = strchr(cmd->fullname, '|');

        cmd->name = bar ? bar + 1 : cmd->fullname;
        if (!bar)
            continue;
        for (int j = 0; j < NTABLE; j++) {
            struct command *p = &srv->commands[j];

            if (strlen(p->fullname) == (size_t)(bar - cmd->fullname) &&
                memcmp(p->fullname, cmd->fullname, strlen(p->fullname)) == 0) {
                cmd->parent = p;
                p->subs = mem_realloc(p->subs, sizeof(*p->subs) * (size_t)(p->nsubs + 1));
                p->subs[p->nsubs++] = cmd;
            }
        }
    }
}

/* Free the table; nothing the suite allocated may be left. */
static void teardown(void)
{
    for (int i = 0; i < NTABLE; i++)
        mem_free(srv->commands[i].subs);
    mem_free(srv->commands);
    mem_free(srv);
    ck_assert_uint_eq(mem_used(), mem_before);
}

/* Compare what r holds with want[0..wlen), then empty r. */
static void expect_bytes(struct reply_buf *r, const char *want, size_t wlen, int line)
{
    ck_assert_msg(r->len == wlen && memcmp(r->buf, want, wlen) == 0,
                  "line %d: got %zu bytes \"%.*s\", want \"%.*s\"", line, r->len, (int)r->len,
                  r->buf ? r->buf : "", (int)wlen, want);
    r->len = 0;
}

#define EXPECT(r, lit) expect_bytes(r, lit, sizeof(lit) - 1, __LINE__)
/* r begins with / contains the literal. */
#define STARTS_WITH(r, lit) \
    ((r)->len >= sizeof(lit) - 1 && memcmp((r)->buf, lit, sizeof(lit) - 1) == 0)
#define CONTAINS(r, lit) (memmem((r)->buf, (r)->len, lit, sizeof(lit) - 1) != NULL)

/* Split a request on spaces into argv (no empty words). */
static int split(const char *line, struct util_arg *argv, int max)
{
    int n = 0;

    while (*line && n < max) {
        size_t len = strcspn(line, " ");

        argv[n].ptr = mem_strndup(line, len);
        argv[n].len = len;
        n++;
        line += len;
        while (*line == ' ')
            line++;
    }
    return n;
}

/* Run one COMMAND request on a fresh connection with protocol proto;
 * the reply is left in c->out (free with run_done). */
static void run(struct conn *c, int proto, const char *line, void (*handler)(struct conn *))
{
    static struct util_arg argv[64];

    memset(c, 0, sizeof(*c));
    c->srv = srv;
    c->resp = proto;
    reply_init(&c->out, proto);
    c->argc = split(line, argv, 64);
    c->argv = argv;
    handler(c);
}

/* Free what run() allocated. */
static void run_done(struct conn *c)
{
    for (int i = 0; i < c->argc; i++)
        mem_free(c->argv[i].ptr);
    reply_free(&c->out);
}

#define EXPECT_REPLY(proto, line, handler, lit)    \
    do {                                           \
        struct conn c_;                            \
        run(&c_, proto, line, handler);            \
        EXPECT(&c_.out, lit);                      \
        run_done(&c_);                             \
    } while (0)

/* ------------------------------------------------------------ notation --- */

START_TEST(test_validate_good)
{
    static const char *const good[] = {
        "abc", "'a b'", "''", "'it''s'", "+OK", "+'two words'", ":0", ":-12",
        ":9223372036854775807", "_", "[]", "<>", "{}", "[a :1 +b _ 'c d']",
        "  {k v}  ", "{a [b <c>] d {e :1}}", "[[[[]]]]", "\n[\ta\r\n]\n",
        "O(1)", "1.0.0", "ip:port", "[a]", "<{flags <+RO> x y}>", "-1", "`NX`",
    };

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(command_docs_validate(good[i]) == 0, "rejected: %s", good[i]);
}
END_TEST

START_TEST(test_validate_bad)
{
    static const char *const bad[] = {
        "", "   ", "{a}", "{a b c}", "[a", "a]", "]", "<a]", "[a>", "'abc", "'a''",
        ":", ":x", ":1a", ":01", ":-", ":99999999999999999999", "+", "+[", "_x",
        "a'b'", "a{}", "[a]b", "[a]'b'", "a b", "[a] [b]", "+'a\nb'", "{:1 :2 :3}",
        "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
    };

    ck_assert_int_eq(command_docs_validate(NULL), -1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(command_docs_validate(bad[i]) == -1, "accepted: %s", bad[i]);
}
END_TEST

START_TEST(test_emit_types)
{
    struct reply_buf r2, r3;
    const char *n = "{s 'it''s' i :-7 n _ st +ok h <[6.2.0 x]> e []}";

    reply_init(&r2, 2);
    reply_init(&r3, 3);
    command_docs_emit(&r2, n);
    EXPECT(&r2, "*12\r\n$1\r\ns\r\n$4\r\nit's\r\n$1\r\ni\r\n:-7\r\n$1\r\nn\r\n$-1\r\n"
                "$2\r\nst\r\n+ok\r\n$1\r\nh\r\n*1\r\n*2\r\n$5\r\n6.2.0\r\n$1\r\nx\r\n"
                "$1\r\ne\r\n*0\r\n");
    command_docs_emit(&r3, n);
    EXPECT(&r3, "%6\r\n$1\r\ns\r\n$4\r\nit's\r\n$1\r\ni\r\n:-7\r\n$1\r\nn\r\n_\r\n"
                "$2\r\nst\r\n+ok\r\n$1\r\nh\r\n~1\r\n*2\r\n$5\r\n6.2.0\r\n$1\r\nx\r\n"
                "$1\r\ne\r\n*0\r\n");
    /* NULL is an empty set (no tips, no key specs). */
    command_docs_emit(&r2, NULL);
    EXPECT(&r2, "*0\r\n");
    command_docs_emit(&r3, NULL);
    EXPECT(&r3, "~0\r\n");
    /* Quoted strings keep every byte, bare words are taken as they are. */
    command_docs_emit(&r3, "['a\tb' '' 'x''''y' +'s p' O(N)]");
    EXPECT(&r3, "*5\r\n$3\r\na\tb\r\n$0\r\n\r\n$4\r\nx''y\r\n+s p\r\n$4\r\nO(N)\r\n");
    reply_free(&r2);
    reply_free(&r3);
}
END_TEST

START_TEST(test_emit_map_extra)
{
    struct reply_buf r2, r3;

    reply_init(&r2, 2);
    reply_init(&r3, 3);
    command_docs_emit_map(&r2, "{summary x since 1.0.0}", 1);
    reply_bulk_cstr(&r2, "subcommands");
    reply_map(&r2, 0);
    EXPECT(&r2, "*6\r\n$7\r\nsummary\r\n$1\r\nx\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n"
                "$11\r\nsubcommands\r\n*0\r\n");
    command_docs_emit_map(&r3, "{summary x}", 0);
    EXPECT(&r3, "%1\r\n$7\r\nsummary\r\n$1\r\nx\r\n");
    command_docs_emit_map(&r3, NULL, 0);
    EXPECT(&r3, "%0\r\n");
    reply_free(&r2);
    reply_free(&r3);
}
END_TEST

START_TEST(test_check_row)
{
    char err[128];

    ck_assert_int_eq(command_docs_check_row("{a b}", "<>", "<x>", err, sizeof(err)), 0);
    ck_assert_int_eq(command_docs_check_row(NULL, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_int_eq(command_docs_check_row("[a b]", NULL, NULL, err, sizeof(err)), -1);
    ck_assert_int_eq(command_docs_check_row("{a b", NULL, NULL, err, sizeof(err)), -1);
    ck_assert_int_eq(command_docs_check_row(NULL, "{}", NULL, err, sizeof(err)), -1);
    ck_assert_int_eq(command_docs_check_row(NULL, NULL, "x", err, sizeof(err)), -1);
    /* A key spec must decode: known flags, begin_search and find_keys. */
    ck_assert_int_eq(command_docs_check_row(NULL, "<{flags <+XX>}>", NULL, err, sizeof(err)), -1);
    ck_assert_int_eq(command_docs_check_row(NULL,
                     "<{flags <+RO> begin_search {type index spec {index :1}}}>", NULL, err,
                     sizeof(err)), -1);
    ck_assert_int_eq(command_docs_check_row(NULL,
                     "<{flags <+RO> begin_search {type index spec {index :1}} find_keys "
                     "{type range spec {lastkey :0 keystep :0 limit :0}}}>", NULL, err,
                     sizeof(err)), -1);
}
END_TEST

/* Every row of command_docs.def is valid and names a command, and every
 * command has a row (run utils/gen-command-docs.py after adding one). */
START_TEST(test_table_rows)
{
    for (int i = 0; i < NTABLE; i++) {
        int found = 0;

        for (int j = 0; j < NDOCNAMES; j++)
            found |= strcmp(doc_names[j], table_rows[i].fullname) == 0;
        ck_assert_msg(found, "%s has no row in command_docs.def", table_rows[i].fullname);
    }
    ck_assert_ptr_nonnull(command_lookup(srv, "expire", 6)->docs);
    ck_assert_ptr_nonnull(command_lookup(srv, "EXPIRE", 6)->keyspecs);
}
END_TEST

/* ----------------------------------------------------------- key specs --- */

static const char ks_xread[] =
    "<{flags <+RO +access> begin_search {type keyword spec {keyword STREAMS startfrom :1}} "
    "find_keys {type range spec {lastkey :-1 keystep :1 limit :2}}}>";
static const char ks_xreadgroup[] =
    "<{flags <+RW +access> begin_search {type keyword spec {keyword STREAMS startfrom :4}} "
    "find_keys {type range spec {lastkey :-1 keystep :1 limit :2}}}>";
static const char ks_eval[] =
    "<{notes 'We cannot tell how the keys will be used so we assume the worst, RW and "
    "UPDATE' flags <+RW +access +update> begin_search {type index spec {index :2}} "
    "find_keys {type keynum spec {keynumidx :0 firstkey :1 keystep :1}}}>";
static const char ks_migrate[] =
    "<{flags <+RW +access +delete> begin_search {type index spec {index :3}} find_keys "
    "{type range spec {lastkey :0 keystep :1 limit :0}}} {flags <+RW +access +delete "
    "+incomplete> begin_search {type keyword spec {keyword KEYS startfrom :-2}} find_keys "
    "{type range spec {lastkey :-1 keystep :1 limit :0}}}>";

/* The keys command_get_keys() finds in line, as "pos,pos,..." ("" for
 * none). */
static void expect_keys(const struct command *cmd, const char *line, const char *want,
                        int lineno)
{
    struct util_arg argv[64] = {{NULL, 0}};
    struct command_key *keys;
    int argc = split(line, argv, 64);
    int n = command_get_keys(cmd, argv, argc, &keys);
    char got[256] = "";
    size_t len = 0;

    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%d", i ? "," : "",
                                keys[i].pos);
    mem_free(keys);
    for (int i = 0; i < argc; i++)
        mem_free(argv[i].ptr);
    ck_assert_msg(strcmp(got, want) == 0, "line %d: %s: got \"%s\", want \"%s\"", lineno,
                  line, got, want);
}

#define EXPECT_KEYS(cmd, line, want) expect_keys(cmd, line, want, __LINE__)

/* A command row with only what key extraction reads. */
static struct command spec_row(const char *keyspecs, int arity)
{
    struct command cmd;

    memset(&cmd, 0, sizeof(cmd));
    cmd.fullname = "test";
    cmd.arity = arity;
    cmd.keyspecs = keyspecs;
    return cmd;
}

START_TEST(test_keys_table)
{
    const struct command *del = command_lookup(srv, "del", 3);
    const struct command *rename = command_lookup(srv, "rename", 6);
    const struct command *copy = command_lookup(srv, "copy", 4);
    const struct command *object = command_lookup(srv, "object", 6);
    const struct command *encoding = command_lookup_sub(object, "encoding", 8);
    const struct command *expire = command_lookup(srv, "expire", 6);
    const struct command *ping = command_lookup(srv, "ping", 4);

    EXPECT_KEYS(del, "del a", "1");
    EXPECT_KEYS(del, "del a b c", "1,2,3");
    EXPECT_KEYS(rename, "rename a b", "1,2");
    EXPECT_KEYS(copy, "copy a b db 1 replace", "1,2");
    EXPECT_KEYS(encoding, "object encoding k", "2");
    EXPECT_KEYS(expire, "expire k 10 nx", "1");
    /* Too short for an index spec: Redis's "invalid spec", no keys. */
    EXPECT_KEYS(expire, "expire", "");
    EXPECT_KEYS(ping, "ping a", "");
    ck_assert(command_has_keys(del));
    ck_assert(command_has_keys(encoding));
    ck_assert(!command_has_keys(ping));
    ck_assert(!command_has_keys(object));
    ck_assert(!command_keyspecs_movable(del->keyspecs));
}
END_TEST

START_TEST(test_keys_flags)
{
    const struct command *rename = command_lookup(srv, "rename", 6);
    struct util_arg argv[8] = {{NULL, 0}};
    struct command_key *keys;
    int argc = split("rename a b", argv, 8);
    struct reply_buf r;

    ck_assert_int_eq(command_get_keys(rename, argv, argc, &keys), 2);
    ck_assert_uint_eq(keys[0].flags, KEYSPEC_RW | KEYSPEC_ACCESS | KEYSPEC_DELETE);
    ck_assert_uint_eq(keys[1].flags, KEYSPEC_OW | KEYSPEC_UPDATE);
    reply_init(&r, 3);
    command_reply_keyspec_flags(&r, keys[0].flags);
    EXPECT(&r, "~3\r\n+RW\r\n+access\r\n+delete\r\n");
    reply_free(&r);
    mem_free(keys);
    for (int i = 0; i < argc; i++)
        mem_free(argv[i].ptr);
}
END_TEST

START_TEST(test_keys_keyword)
{
    struct command xread = spec_row(ks_xread, -4);
    struct command xreadgroup = spec_row(ks_xreadgroup, -7);
    struct command migrate = spec_row(ks_migrate, -6);

    EXPECT_KEYS(&xread, "xread streams a 0", "2");
    EXPECT_KEYS(&xread, "XREAD COUNT 1 streams a b 0 0", "4,5");
    /* limit 2: half of what follows, rounded down. */
    EXPECT_KEYS(&xread, "xread streams a b c", "2");
    /* The first STREAMS counts, even where a key would be. */
    EXPECT_KEYS(&xread, "xread streams streams a 1", "2");
    /* No keyword: the spec is skipped, no keys. */
    EXPECT_KEYS(&xread, "xread count 1 a", "");
    /* Keyword last: never matched (nothing could follow it). */
    EXPECT_KEYS(&xread, "xread a b streams", "");
    EXPECT_KEYS(&xreadgroup, "xreadgroup group g c streams a 0", "5");
    /* The search starts at startfrom: a consumer named STREAMS is skipped. */
    EXPECT_KEYS(&xreadgroup, "xreadgroup group g streams streams a 0", "5");
    /* Searched backwards from argc-2. */
    EXPECT_KEYS(&migrate, "migrate h p k 0 10", "3");
    EXPECT_KEYS(&migrate, "migrate h p x 0 10 keys a b", "3,7,8");
    ck_assert(command_keyspecs_movable(ks_xread));
    ck_assert(!command_keyspecs_movable(NULL));
}
END_TEST

START_TEST(test_keys_keynum)
{
    struct command eval = spec_row(ks_eval, -3);

    EXPECT_KEYS(&eval, "eval s 1 a", "3");
    EXPECT_KEYS(&eval, "eval s 2 a b c", "3,4");
    /* numkeys 0, too large, negative or not a strict integer: invalid. */
    EXPECT_KEYS(&eval, "eval s 0", "");
    EXPECT_KEYS(&eval, "eval s 5 a", "");
    EXPECT_KEYS(&eval, "eval s -1 a", "");
    EXPECT_KEYS(&eval, "eval s 01 a", "");
    EXPECT_KEYS(&eval, "eval s x a", "");
}
END_TEST

START_TEST(test_keys_fallback)
{
    /* No key specs: first/last/step as before key specs (MSET's 1,-1,2). */
    struct command mset = spec_row(NULL, -3);

    mset.first_key = 1;
    mset.last_key = -1;
    mset.key_step = 2;
    EXPECT_KEYS(&mset, "mset a 1 b 2", "1,3");
    EXPECT_KEYS(&mset, "mset a 1 b", "1,3");
    ck_assert(command_has_keys(&mset));
    mset.last_key = 5;
    EXPECT_KEYS(&mset, "mset a 1 b", "");
}
END_TEST

START_TEST(test_keyspecs_parse)
{
    struct keyspec ks[KEYSPEC_MAX];

    ck_assert_int_eq(command_keyspecs_parse(ks_migrate, ks, KEYSPEC_MAX), 2);
    ck_assert_int_eq(ks[1].bs, KEYSPEC_BS_KEYWORD);
    ck_assert_str_eq(ks[1].bs_keyword, "KEYS");
    ck_assert_int_eq(ks[1].bs_startfrom, -2);
    ck_assert_uint_eq(ks[1].flags, KEYSPEC_RW | KEYSPEC_ACCESS | KEYSPEC_DELETE |
                                   KEYSPEC_INCOMPLETE);
    ck_assert_int_eq(command_keyspecs_parse(ks_eval, ks, KEYSPEC_MAX), 1);
    ck_assert_int_eq(ks[0].fk, KEYSPEC_FK_KEYNUM);
    ck_assert_int_eq(ks[0].fk_firstkey, 1);
    ck_assert_int_eq(command_keyspecs_parse(ks_migrate, ks, 1), -1);
    ck_assert_int_eq(command_keyspecs_parse("<{flags <+RO>}", ks, KEYSPEC_MAX), -1);
    ck_assert_int_eq(command_keyspecs_parse(NULL, ks, KEYSPEC_MAX), 0);
    ck_assert_int_eq(command_keyspecs_parse(
        "<{flags <> begin_search {type unknown spec {}} find_keys {type unknown spec {}}}>",
        ks, KEYSPEC_MAX), 1);
}
END_TEST

/* ------------------------------------------------------------ handlers --- */

START_TEST(test_info)
{
    EXPECT_REPLY(2, "command info expire", cmd_command_info,
        "*1\r\n*10\r\n$6\r\nexpire\r\n:-3\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "*3\r\n+@keyspace\r\n+@write\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n"
        "+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
        "$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n"
        "$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
        "$5\r\nlimit\r\n:0\r\n*0\r\n");
    EXPECT_REPLY(3, "command info EXPIRE", cmd_command_info,
        "*1\r\n*10\r\n$6\r\nexpire\r\n:-3\r\n~2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "~3\r\n+@keyspace\r\n+@write\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n"
        "+RW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
        "$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n"
        "$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
        "$5\r\nlimit\r\n:0\r\n~0\r\n");
    /* Unknown names, "config|" and "get|x" style names are nil entries. */
    EXPECT_REPLY(2, "command info nosuch config| del|x a|b|c", cmd_command_info,
                 "*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n");
    EXPECT_REPLY(3, "command info nosuch", cmd_command_info, "*1\r\n_\r\n");
    EXPECT_REPLY(2, "command info CONFIG|GET", cmd_command_info,
        "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n"
        "+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n"
        "*0\r\n");
}
END_TEST

START_TEST(test_info_all_and_count)
{
    struct conn c;
    long top = 0;
    char want[32];

    for (int i = 0; i < NTABLE; i++)
        top += strchr(table_rows[i].fullname, '|') == NULL;
    snprintf(want, sizeof(want), ":%ld\r\n", top);
    run(&c, 2, "command count", cmd_command_count);
    expect_bytes(&c.out, want, strlen(want), __LINE__);
    run_done(&c);
    snprintf(want, sizeof(want), "*%ld\r\n*10\r\n", top);
    run(&c, 3, "command", cmd_command);
    ck_assert(c.out.len > strlen(want) && memcmp(c.out.buf, want, strlen(want)) == 0);
    run_done(&c);
    /* A container's subcommands are nested entries in its 10th element. */
    run(&c, 2, "command info object", cmd_command_info);
    ck_assert(CONTAINS(&c.out, "*5\r\n*10\r\n$11\r\nobject|help\r\n"));
    run_done(&c);
}
END_TEST

START_TEST(test_docs)
{
    struct conn c;

    EXPECT_REPLY(3, "command docs time", cmd_command_docs,
        "%1\r\n$4\r\ntime\r\n%4\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n"
        "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n"
        "$4\r\nO(1)\r\n");
    EXPECT_REPLY(2, "command docs nosuch time config| del|x", cmd_command_docs,
        "*2\r\n$4\r\ntime\r\n*8\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n"
        "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n"
        "$4\r\nO(1)\r\n");
    EXPECT_REPLY(3, "command docs nosuch", cmd_command_docs, "%0\r\n");
    /* A container ends with "subcommands": fullname -> docs. */
    run(&c, 3, "command docs object", cmd_command_docs);
    ck_assert(STARTS_WITH(&c.out, "%1\r\n$6\r\nobject\r\n%5\r\n"));
    ck_assert(CONTAINS(&c.out, "$11\r\nsubcommands\r\n%5\r\n$11\r\nobject|help\r\n"));
    run_done(&c);
    run(&c, 3, "command docs config|get", cmd_command_docs);
    ck_assert(STARTS_WITH(&c.out, "%1\r\n$10\r\nconfig|get\r\n%"));
    ck_assert(!CONTAINS(&c.out, "subcommands"));
    run_done(&c);
}
END_TEST

START_TEST(test_list)
{
    EXPECT_REPLY(2, "command list filterby pattern CONFIG|G*", cmd_command_list,
                 "*1\r\n$10\r\nconfig|get\r\n");
    EXPECT_REPLY(2, "command list filterby pattern nomatch", cmd_command_list, "*0\r\n");
    EXPECT_REPLY(2, "command list filterby aclcat nosuch", cmd_command_list, "*0\r\n");
    EXPECT_REPLY(2, "command list filterby aclcat @slow", cmd_command_list, "*0\r\n");
    EXPECT_REPLY(2, "command list filterby module m", cmd_command_list, "*0\r\n");
    EXPECT_REPLY(2, "command list FILTERBY ACLCAT TRANSACTION", cmd_command_list,
                 "*5\r\n$5\r\nmulti\r\n$4\r\nexec\r\n$7\r\ndiscard\r\n$5\r\nwatch\r\n"
                 "$7\r\nunwatch\r\n");
    EXPECT_REPLY(2, "command list filterby other x", cmd_command_list,
                 "-ERR syntax error\r\n");
    EXPECT_REPLY(2, "command list filterby pattern x extra", cmd_command_list,
                 "-ERR syntax error\r\n");
    EXPECT_REPLY(2, "command list filterby pattern", cmd_command_list,
                 "-ERR syntax error\r\n");
    EXPECT_REPLY(2, "command list foo", cmd_command_list, "-ERR syntax error\r\n");
}
END_TEST

START_TEST(test_getkeys)
{
    EXPECT_REPLY(2, "command getkeys del a b", cmd_command_getkeys,
                 "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    EXPECT_REPLY(2, "command getkeys OBJECT encoding k", cmd_command_getkeys,
                 "*1\r\n$1\r\nk\r\n");
    EXPECT_REPLY(2, "command getkeysandflags rename a b", cmd_command_getkeysandflags,
                 "*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n"
                 "*2\r\n+OW\r\n+update\r\n");
    EXPECT_REPLY(3, "command getkeysandflags rename a b", cmd_command_getkeysandflags,
                 "*2\r\n*2\r\n$1\r\na\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n"
                 "~2\r\n+OW\r\n+update\r\n");
    EXPECT_REPLY(2, "command getkeys nosuch a", cmd_command_getkeys,
                 "-ERR Invalid command specified\r\n");
    EXPECT_REPLY(2, "command getkeys object nosuch k", cmd_command_getkeys,
                 "-ERR Invalid command specified\r\n");
    EXPECT_REPLY(2, "command getkeys ping a", cmd_command_getkeys,
                 "-ERR The command has no key arguments\r\n");
    EXPECT_REPLY(2, "command getkeys object help", cmd_command_getkeys,
                 "-ERR The command has no key arguments\r\n");
    EXPECT_REPLY(2, "command getkeys type a b", cmd_command_getkeys,
                 "-ERR Invalid number of arguments specified for command\r\n");
    EXPECT_REPLY(2, "command getkeys object encoding", cmd_command_getkeys,
                 "-ERR Invalid number of arguments specified for command\r\n");
}
END_TEST

START_TEST(test_help)
{
    struct conn c;

    run(&c, 2, "command help", cmd_command_help);
    ck_assert(STARTS_WITH(&c.out, "*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. "
                                  "Subcommands are:\r\n+(no subcommand)\r\n"));
    ck_assert(c.out.len > 24 && memcmp(c.out.buf + c.out.len - 24,
                                       "+    Prints this help.\r\n", 24) == 0);
    run_done(&c);
}
END_TEST

static Suite *command_docs_suite(void)
{
    Suite *s = suite_create("command_docs");
    TCase *tc = tcase_create("notation");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_validate_good);
    tcase_add_test(tc, test_validate_bad);
    tcase_add_test(tc, test_emit_types);
    tcase_add_test(tc, test_emit_map_extra);
    tcase_add_test(tc, test_check_row);
    tcase_add_test(tc, test_table_rows);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_keys_table);
    tcase_add_test(tc, test_keys_flags);
    tcase_add_test(tc, test_keys_keyword);
    tcase_add_test(tc, test_keys_keynum);
    tcase_add_test(tc, test_keys_fallback);
    tcase_add_test(tc, test_keyspecs_parse);
    suite_add_tcase(s, tc);

    tc = tcase_create("handlers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_info);
    tcase_add_test(tc, test_info_all_and_count);
    tcase_add_test(tc, test_docs);
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_getkeys);
    tcase_add_test(tc, test_help);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(command_docs_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
