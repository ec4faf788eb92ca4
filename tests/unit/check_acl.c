/* check_acl.c -- Check suite for acl.c on a small command table: rule
 * parsing and its errors, how users are described back (Redis 7.0's
 * greedy categories, then single commands), command, first-argument, key
 * and channel checks, credentials, and ACL LOG grouping.  The expected
 * texts are Redis 7.0's for the same rules (checked on the oracle with
 * the same commands, which have the same categories there). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "command.h"
#include "mem.h"
#include "util.h"

enum { GET, SET, CONFIG, CONFIG_GET, CONFIG_SET, SELECT, AUTH, PUBLISH, PSUBSCRIBE, NCMDS };

static struct command table[NCMDS];
static struct command *config_subs[2];
static struct acl acl;

static void setup(void)
{
    memset(table, 0, sizeof(table));
    table[GET] = (struct command){.fullname = "get", .arity = 2, .flags = CMD_READONLY,
                                  .first_key = 1, .last_key = 1, .key_step = 1,
                                  .acl = "@read @string @fast"};
    table[SET] = (struct command){.fullname = "set", .arity = -3, .flags = CMD_WRITE,
                                  .first_key = 1, .last_key = 1, .key_step = 1,
                                  .acl = "@write @string @slow"};
    table[CONFIG] = (struct command){.fullname = "config", .arity = -2, .acl = "@slow"};
    table[CONFIG_GET] = (struct command){.fullname = "config|get", .arity = -3,
                                         .flags = CMD_ADMIN, .acl = "@admin @slow @dangerous"};
    table[CONFIG_SET] = (struct command){.fullname = "config|set", .arity = -4,
                                         .flags = CMD_ADMIN, .acl = "@admin @slow @dangerous"};
    table[SELECT] = (struct command){.fullname = "select", .arity = 2,
                                     .acl = "@fast @connection"};
    table[AUTH] = (struct command){.fullname = "auth", .arity = -2, .flags = CMD_NO_AUTH,
                                   .acl = "@fast @connection"};
    table[PUBLISH] = (struct command){.fullname = "publish", .arity = 3,
                                      .acl = "@pubsub @fast"};
    table[PSUBSCRIBE] = (struct command){.fullname = "psubscribe", .arity = -2,
                                         .acl = "@pubsub @slow"};
    for (int i = 0; i < NCMDS; i++) {
        const char *bar = strchr(table[i].fullname, '|');
        table[i].name = bar ? bar + 1 : table[i].fullname;
    }
    config_subs[0] = &table[CONFIG_GET];
    config_subs[1] = &table[CONFIG_SET];
    table[CONFIG].subs = config_subs;
    table[CONFIG].nsubs = 2;
    table[CONFIG_GET].parent = table[CONFIG_SET].parent = &table[CONFIG];
    acl_init(&acl, table, NCMDS);
}

static void teardown(void)
{
    acl_free(&acl);
}

/* Apply space-separated rules; the first error code, or 0. */
static int apply(struct acl_user *u, const char *rules)
{
    struct util_arg *words;
    int n = util_split_args(rules, strlen(rules), &words);
    int err = 0;
    for (int i = 0; i < n && !err; i++)
        err = acl_user_apply(&acl, u, words[i].ptr, words[i].len);
    util_args_free(words, n);
    return err;
}

static struct acl_user *user(const char *name, const char *rules)
{
    struct acl_user *u = acl_user_create(&acl, name, strlen(name));
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(apply(u, rules), 0);
    return u;
}

static void assert_describe(const struct acl_user *u, const char *want)
{
    char *got = acl_user_describe(&acl, u);
    ck_assert_str_eq(got, want);
    mem_free(got);
}

static enum acl_result check(const struct acl_user *u, int cmd, const char *line)
{
    struct util_arg *words;
    int n = util_split_args(line, strlen(line), &words);
    int pos = -1;
    enum acl_result r = acl_check_command(&acl, u, &table[cmd], words, n, &pos);
    util_args_free(words, n);
    return r;
}

START_TEST(test_default_user)
{
    ck_assert_ptr_eq(acl.default_user, acl_user_find(&acl, "default", 7));
    assert_describe(acl.default_user, "user default on nopass ~* &* +@all");
    ck_assert(!acl_auth_required(&acl));
    ck_assert_ptr_eq(acl_check_credentials(&acl, "default", 7, "anything", 8), acl.default_user);
}
END_TEST

START_TEST(test_rule_errors)
{
    struct acl_user *u = user("x", "");
    ck_assert_int_eq(apply(u, "+nosuch"), ACL_ERR_UNKNOWN);
    ck_assert_int_eq(apply(u, "+@nosuch"), ACL_ERR_UNKNOWN);
    ck_assert_int_eq(apply(u, "badrule"), ACL_ERR_SYNTAX);
    ck_assert_int_eq(apply(u, "#abc"), ACL_ERR_BAD_HASH);
    ck_assert_int_eq(apply(u, "#0123456789012345678901234567890123456789012345678901234567890ABC"),
                     ACL_ERR_BAD_HASH);
    ck_assert_int_eq(apply(u, "<nosuch"), ACL_ERR_NO_SUCH_PASS);
    ck_assert_int_eq(apply(u, "allkeys ~a"), ACL_ERR_KEY_AFTER_ALL);
    ck_assert_int_eq(apply(u, "resetkeys %X~a"), ACL_ERR_SYNTAX);
    ck_assert_int_eq(apply(u, "%~a"), ACL_ERR_SYNTAX);
    ck_assert_int_eq(apply(u, "allchannels &a"), ACL_ERR_CHAN_AFTER_ALL);
    ck_assert_int_eq(apply(u, "+config|get|x"), ACL_ERR_FIRSTARG_SUB);
    ck_assert_int_eq(apply(u, "+config|"), ACL_ERR_SYNTAX);
    ck_assert_int_eq(apply(u, "+config|nosuch"), ACL_ERR_UNKNOWN);
    ck_assert_int_eq(apply(u, "-get|x"), ACL_ERR_UNKNOWN);
    ck_assert_int_eq(apply(u, "-select|0"), ACL_ERR_UNKNOWN);
    ck_assert_int_eq(apply(u, "+get|x"), 0);
    ck_assert_int_eq(apply(u, ""), 0);
    ck_assert_str_eq(acl_strerror(ACL_ERR_FIRSTARG_SUB),
                     "Allowing first-arg of a subcommand is not supported");
    ck_assert(acl_name_invalid("a b", 3));
    ck_assert(acl_name_invalid("a\0b", 3));
    ck_assert(!acl_name_invalid("ab", 2));
    ck_assert_ptr_null(acl_user_create(&acl, "x", 1));
}
END_TEST

START_TEST(test_describe)
{
    assert_describe(user("a", ""), "user a off resetchannels -@all");
    assert_describe(user("b", "on >p1 >p2 <p1 ~k:* %R~r %W~w %RW~q &ch +get +set -get"),
                    "user b on #3946ca64ff78d93ca61090a437cbb6b3d2ca0d488f5f9ccf3059608368b27693 "
                    "~k:* %R~r %W~w ~q resetchannels &ch -@all +@write");
    assert_describe(user("c", "+@all -@string"), "user c off resetchannels +@all -@string");
    /* In this table @read is GET alone, so it is the better description. */
    assert_describe(user("d", "-@all +@string -set"), "user d off resetchannels -@all +@read");
    assert_describe(user("e", "+@all -@all +config -config|set"),
                    "user e off resetchannels -@all +config -config|set");
    assert_describe(user("f", "+select|0 +select|1 +get|x +get"),
                    "user f off resetchannels -@all +@read +select|0 +select|1");
    assert_describe(user("g", "reset ~a %R~b %W~a %RW~b %R allchannels"),
                    "user g off sanitize-payload ~a ~b %R~ &* -@all");
    assert_describe(user("h", "nopass >x skip-sanitize-payload"),
                    "user h off skip-sanitize-payload "
                    "#2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 "
                    "resetchannels -@all");
    assert_describe(user("i", "%RW~* %R~a"), "user i off ~* %R~a resetchannels -@all");
    struct acl_user *j = user("j", "+@read +@fast");
    char *cmds = acl_user_commands(&acl, j);
    ck_assert_str_eq(cmds, "-@all +@fast");
    mem_free(cmds);
    const char *flags[5];
    ck_assert_int_eq(acl_user_flag_names(j, flags), 1);
    ck_assert_str_eq(flags[0], "off");
    /* USERS order: bytes, a prefix first. */
    ck_assert_str_eq(acl.users[0]->name, "a");
    ck_assert_str_eq(acl.users[acl.nusers - 1]->name, "j");
}
END_TEST

START_TEST(test_checks)
{
    struct acl_user *u = user("u", "on +get +config|get +select|0 ~k:* %R~r:* &news.* &exact");
    ck_assert_int_eq(check(u, GET, "get k:1"), ACL_OK);
    ck_assert_int_eq(check(u, GET, "get other"), ACL_DENIED_KEY);
    ck_assert_int_eq(check(u, SET, "set k:1 v"), ACL_DENIED_CMD);
    ck_assert_int_eq(check(u, CONFIG_GET, "config get port"), ACL_OK);
    ck_assert_int_eq(check(u, CONFIG_SET, "config set port 1"), ACL_DENIED_CMD);
    ck_assert_int_eq(check(u, SELECT, "select 0"), ACL_OK);
    ck_assert_int_eq(check(u, SELECT, "select 1"), ACL_DENIED_CMD);
    ck_assert_int_eq(check(u, AUTH, "auth a b"), ACL_OK); /* no-auth commands always run */
    ck_assert_int_eq(acl_check_key(u, "r:1", 3, ACL_PERM_READ), ACL_OK);
    ck_assert_int_eq(acl_check_key(u, "r:1", 3, ACL_PERM_WRITE), ACL_DENIED_KEY);
    ck_assert_int_eq(acl_check_key(u, "r:1", 3, ACL_PERM_READ | ACL_PERM_WRITE), ACL_DENIED_KEY);
    ck_assert_int_eq(acl_check_key(u, "k:9", 3, ACL_PERM_READ | ACL_PERM_WRITE), ACL_OK);
    ck_assert_int_eq(acl_check_channel(u, "news.x", 6, 0), ACL_OK);
    ck_assert_int_eq(acl_check_channel(u, "other", 5, 0), ACL_DENIED_CHANNEL);
    ck_assert_int_eq(acl_check_channel(u, "news.*", 6, 1), ACL_OK);
    ck_assert_int_eq(acl_check_channel(u, "news.x*", 7, 1), ACL_DENIED_CHANNEL);
    ck_assert_int_eq(acl_check_channel(u, "exact", 5, 1), ACL_OK);
    /* At dispatch: PUBLISH's channel, every PSUBSCRIBE pattern. */
    ck_assert_int_eq(apply(u, "+publish +psubscribe"), 0);
    ck_assert_int_eq(check(u, PUBLISH, "publish news.1 m"), ACL_OK);
    ck_assert_int_eq(check(u, PUBLISH, "publish other m"), ACL_DENIED_CHANNEL);
    ck_assert_int_eq(check(u, PSUBSCRIBE, "psubscribe news.* exact"), ACL_OK);
    ck_assert_int_eq(check(u, PSUBSCRIBE, "psubscribe news.* news.a*"), ACL_DENIED_CHANNEL);
    /* +@all then -get: everything else, and commands keep working after. */
    struct acl_user *v = user("v", "+@all -get allkeys");
    ck_assert_int_eq(check(v, GET, "get k"), ACL_DENIED_CMD);
    ck_assert_int_eq(check(v, SET, "set k v"), ACL_OK);
    ck_assert_int_eq(check(v, CONFIG_SET, "config set a b"), ACL_OK);
}
END_TEST

START_TEST(test_credentials)
{
    user("p", "on >one >two");
    ck_assert_ptr_nonnull(acl_check_credentials(&acl, "p", 1, "one", 3));
    ck_assert_ptr_nonnull(acl_check_credentials(&acl, "p", 1, "two", 3));
    ck_assert_ptr_null(acl_check_credentials(&acl, "p", 1, "three", 5));
    ck_assert_ptr_null(acl_check_credentials(&acl, "p", 1, "", 0));
    ck_assert_ptr_null(acl_check_credentials(&acl, "nobody", 6, "one", 3));
    struct acl_user *q = user("q", "off >pw");
    ck_assert_ptr_null(acl_check_credentials(&acl, "q", 1, "pw", 2));
    apply(q, "on");
    ck_assert_ptr_eq(acl_check_credentials(&acl, "q", 1, "pw", 2), q);
    apply(q, "nopass");
    ck_assert_ptr_eq(acl_check_credentials(&acl, "q", 1, "whatever", 8), q);
    apply(acl.default_user, "resetpass >secret");
    ck_assert(acl_auth_required(&acl));
    apply(acl.default_user, "nopass off");
    ck_assert(acl_auth_required(&acl));
}
END_TEST

START_TEST(test_log)
{
    acl_log_add(&acl, ACL_DENIED_CMD, ACL_LOG_CTX_TOPLEVEL, "get", 3, "u", 1, mem_strdup("c1"),
                1000, 3);
    acl_log_add(&acl, ACL_DENIED_CMD, ACL_LOG_CTX_TOPLEVEL, "get", 3, "u", 1, mem_strdup("c2"),
                2000, 3);
    ck_assert_int_eq(acl.nlog, 1);
    ck_assert_int_eq(acl.log[0].count, 2);
    ck_assert_str_eq(acl.log[0].cinfo, "c2");
    /* A minute later it is a new entry; other contexts never merge. */
    acl_log_add(&acl, ACL_DENIED_CMD, ACL_LOG_CTX_TOPLEVEL, "get", 3, "u", 1, mem_strdup("c3"),
                62001, 3);
    acl_log_add(&acl, ACL_DENIED_CMD, ACL_LOG_CTX_MULTI, "get", 3, "u", 1, mem_strdup("c4"),
                62002, 3);
    acl_log_add(&acl, ACL_DENIED_KEY, ACL_LOG_CTX_TOPLEVEL, "k", 1, "u", 1, mem_strdup("c5"),
                62003, 3);
    ck_assert_int_eq(acl.nlog, 3); /* the oldest fell off */
    ck_assert_str_eq(acl.log[0].cinfo, "c5");
    ck_assert_str_eq(acl.log[2].cinfo, "c3");
    /* An older entry that matches again moves to the front. */
    acl_log_add(&acl, ACL_DENIED_CMD, ACL_LOG_CTX_TOPLEVEL, "get", 3, "u", 1, mem_strdup("c6"),
                62004, 3);
    ck_assert_str_eq(acl.log[0].cinfo, "c6");
    ck_assert_int_eq(acl.log[0].count, 2);
    ck_assert_int_eq(acl.denied_cmd, 5);
    ck_assert_int_eq(acl.denied_key, 1);
    acl_log_reset(&acl);
    ck_assert_int_eq(acl.nlog, 0);
}
END_TEST

START_TEST(test_copy_and_delete)
{
    struct acl_user *a = user("a", "on >pw ~k &c +get +select|0");
    struct acl_user *b = acl_user_new(&acl, "b", 1);
    acl_user_copy(&acl, b, a);
    char *da = acl_user_describe(&acl, a);
    char *db = acl_user_describe(&acl, b);
    ck_assert_str_eq(da + 7, db + 7); /* "user a " vs "user b " */
    mem_free(da);
    mem_free(db);
    acl_user_free(&acl, b);
    int n = acl.nusers;
    acl_user_delete(&acl, a);
    ck_assert_int_eq(acl.nusers, n - 1);
    ck_assert_ptr_null(acl_user_find(&acl, "a", 1));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("acl");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_default_user);
    tcase_add_test(tc, test_rule_errors);
    tcase_add_test(tc, test_describe);
    tcase_add_test(tc, test_checks);
    tcase_add_test(tc, test_credentials);
    tcase_add_test(tc, test_log);
    tcase_add_test(tc, test_copy_and_delete);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
