/* acl.c -- users, rules, checks and descriptions, as Redis 7.0 has them.
 *
 * Command permissions are one bit per row of the command table (row index
 * = command id).  Allowing or denying a container sets or clears its bit
 * and the bits of all its subcommands; a subcommand rule touches its own
 * bit only.  A top-level command without subcommands may be allowed for
 * some first arguments only (+select|0), which Redis keeps beside the bits.
 *
 * Describing the bits back (ACL LIST, GETUSER) follows Redis 7.0: start
 * from +@all (the user was given +@all and so runs future commands) or
 * -@all, repeatedly apply the category that best matches what is left
 * (more commands in common than different, fewest different, then most in
 * common; ties to the earlier category), then emit +cmd / -cmd for each
 * row that still differs.  Redis walks its command dict for that last pass,
 * whose order is random per process; Runnel walks its table.
 *
 * Invariant: a user's arrays are sized for the whole table (acl->ncmds). */
#include "acl.h"

#include <string.h>

#include "command.h"
#include "command_docs.h"
#include "mem.h"
#include "sha256.h"
#include "util.h"

const char *const acl_category_names[ACL_NCATEGORIES] = {
    "keyspace", "read",   "write", "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo", "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction",
    "scripting",
};

uint32_t acl_category_bit(const char *name, size_t len)
{
    for (int i = 0; i < ACL_NCATEGORIES; i++)
        if (util_eq_nocase(name, len, acl_category_names[i]))
            return 1u << i;
    return 0;
}

uint32_t acl_command_categories(const struct command *cmd)
{
    const char *p = cmd->acl ? cmd->acl : "";
    uint32_t bits = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n > 1 && *p == '@')
            bits |= acl_category_bit(p + 1, n - 1);
        p += n;
    }
    return bits;
}

static int row_id(const struct acl *acl, const struct command *cmd)
{
    return (int)(cmd - acl->cmds);
}

/* --- bits ------------------------------------------------------------- */

static int bit_get(const struct acl_user *u, int id)
{
    return (u->cmd_bits[id >> 3] >> (id & 7)) & 1;
}

static void bit_set(struct acl_user *u, int id, int on)
{
    if (on)
        u->cmd_bits[id >> 3] |= (uint8_t)(1u << (id & 7));
    else {
        u->cmd_bits[id >> 3] &= (uint8_t)~(1u << (id & 7));
        u->flags &= ~ACL_USER_ALLCOMMANDS;
    }
}

static size_t bits_size(const struct acl *acl)
{
    return (size_t)(acl->ncmds + 7) / 8;
}

static void firstargs_reset_one(struct acl_user *u, int id)
{
    char **list = u->firstargs[id];
    if (!list)
        return;
    for (int i = 0; list[i]; i++)
        mem_free(list[i]);
    mem_free(list);
    u->firstargs[id] = NULL;
}

static void firstargs_reset(const struct acl *acl, struct acl_user *u)
{
    for (int i = 0; i < acl->ncmds; i++)
        firstargs_reset_one(u, i);
}

static void firstargs_add(struct acl_user *u, int id, const char *arg, size_t len)
{
    int n = 0;
    char **list = u->firstargs[id];
    while (list && list[n]) {
        if (util_eq_nocase(arg, len, list[n]) && strlen(list[n]) == len)
            return;
        n++;
    }
    list = mem_realloc(list, sizeof(*list) * (size_t)(n + 2));
    list[n] = mem_strndup(arg, len);
    for (size_t i = 0; i < len; i++)
        if (list[n][i] >= 'A' && list[n][i] <= 'Z')
            list[n][i] = (char)(list[n][i] - 'A' + 'a');
    list[n + 1] = NULL;
    u->firstargs[id] = list;
}

/* Redis's ACLChangeSelectorPerm: the command's bit, its subcommands'
 * bits, and no first-argument exceptions left for it. */
static void change_perm(const struct acl *acl, struct acl_user *u, const struct command *cmd,
                        int on)
{
    int id = row_id(acl, cmd);
    bit_set(u, id, on);
    firstargs_reset_one(u, id);
    for (int i = 0; i < cmd->nsubs; i++)
        bit_set(u, row_id(acl, cmd->subs[i]), on);
}

static void apply_category(const struct acl *acl, struct acl_user *u, uint32_t cat, int on)
{
    for (int i = 0; i < acl->ncmds; i++)
        if (acl->cats[i] & cat)
            change_perm(acl, u, &acl->cmds[i], on);
}

/* --- users -------------------------------------------------------------- */

struct acl_user *acl_user_new(const struct acl *acl, const char *name, size_t len)
{
    struct acl_user *u = mem_calloc(sizeof(*u));
    u->name = mem_strndup(name, len);
    u->name_len = len;
    u->flags = ACL_USER_OFF;
    u->cmd_bits = mem_calloc(bits_size(acl));
    u->firstargs = mem_calloc(sizeof(*u->firstargs) * (size_t)(acl->ncmds ? acl->ncmds : 1));
    return u;
}

static void patterns_free(struct acl_pattern *p, int n)
{
    for (int i = 0; i < n; i++)
        mem_free(p[i].text);
    mem_free(p);
}

static struct acl_pattern *patterns_dup(const struct acl_pattern *p, int n)
{
    if (!n)
        return NULL;
    struct acl_pattern *c = mem_alloc(sizeof(*c) * (size_t)n);
    for (int i = 0; i < n; i++) {
        c[i] = p[i];
        c[i].text = mem_memdup(p[i].text, p[i].len + 1);
    }
    return c;
}

/* Everything of u but its name and identity. */
static void user_clear(const struct acl *acl, struct acl_user *u)
{
    firstargs_reset(acl, u);
    mem_free(u->pass);
    u->pass = NULL;
    u->npass = 0;
    patterns_free(u->keys, u->nkeys);
    u->keys = NULL;
    u->nkeys = 0;
    patterns_free(u->chans, u->nchans);
    u->chans = NULL;
    u->nchans = 0;
}

void acl_user_free(const struct acl *acl, struct acl_user *u)
{
    if (!u)
        return;
    user_clear(acl, u);
    mem_free(u->firstargs);
    mem_free(u->cmd_bits);
    mem_free(u->name);
    mem_free(u);
}

void acl_user_copy(const struct acl *acl, struct acl_user *dst, const struct acl_user *src)
{
    user_clear(acl, dst);
    dst->flags = src->flags;
    memcpy(dst->cmd_bits, src->cmd_bits, bits_size(acl));
    for (int i = 0; i < acl->ncmds; i++) {
        char **l = src->firstargs[i];
        for (int k = 0; l && l[k]; k++)
            firstargs_add(dst, i, l[k], strlen(l[k]));
    }
    if (src->npass) {
        dst->pass = mem_memdup(src->pass, sizeof(*src->pass) * (size_t)src->npass);
        dst->npass = src->npass;
    }
    dst->keys = patterns_dup(src->keys, src->nkeys);
    dst->nkeys = src->nkeys;
    dst->chans = patterns_dup(src->chans, src->nchans);
    dst->nchans = src->nchans;
}

/* Byte order, shorter first on a common prefix (Redis's rax order). */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r)
        return r;
    return alen < blen ? -1 : alen > blen;
}

/* Index of name in the sorted list, or where it would go (*found 0). */
static int user_pos(const struct acl *acl, const char *name, size_t len, int *found)
{
    int lo = 0, hi = acl->nusers;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int r = name_cmp(acl->users[mid]->name, acl->users[mid]->name_len, name, len);
        if (r == 0) {
            *found = 1;
            return mid;
        }
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

struct acl_user *acl_user_find(const struct acl *acl, const char *name, size_t len)
{
    int found;
    int pos = user_pos(acl, name, len, &found);
    return found ? acl->users[pos] : NULL;
}

struct acl_user *acl_user_create(struct acl *acl, const char *name, size_t len)
{
    int found;
    int pos = user_pos(acl, name, len, &found);
    if (found)
        return NULL;
    struct acl_user *u = acl_user_new(acl, name, len);
    acl->users = mem_realloc(acl->users, sizeof(*acl->users) * (size_t)(acl->nusers + 1));
    memmove(acl->users + pos + 1, acl->users + pos,
            sizeof(*acl->users) * (size_t)(acl->nusers - pos));
    acl->users[pos] = u;
    acl->nusers++;
    return u;
}

void acl_user_delete(struct acl *acl, struct acl_user *u)
{
    int found;
    int pos = user_pos(acl, u->name, u->name_len, &found);
    if (!found || acl->users[pos] != u)
        return;
    memmove(acl->users + pos, acl->users + pos + 1,
            sizeof(*acl->users) * (size_t)(acl->nusers - pos - 1));
    acl->nusers--;
    acl_user_free(acl, u);
}

int acl_name_invalid(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (name[i] == ' ' || name[i] == '\0')
            return 1;
    return 0;
}

void acl_init(struct acl *acl, const struct command *cmds, int ncmds)
{
    memset(acl, 0, sizeof(*acl));
    acl->cmds = cmds;
    acl->ncmds = ncmds;
    acl->cats = mem_calloc(sizeof(*acl->cats) * (size_t)(ncmds ? ncmds : 1));
    for (int i = 0; i < ncmds; i++)
        acl->cats[i] = acl_command_categories(&cmds[i]);
    struct acl_user *d = acl_user_create(acl, "default", 7);
    static const char *const rules[] = {"+@all", "~*", "&*", "on", "nopass"};
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        acl_user_apply(acl, d, rules[i], strlen(rules[i]));
    acl->default_user = d;
}

void acl_log_reset(struct acl *acl)
{
    for (int i = 0; i < acl->nlog; i++) {
        mem_free(acl->log[i].object);
        mem_free(acl->log[i].username);
        mem_free(acl->log[i].cinfo);
    }
    mem_free(acl->log);
    acl->log = NULL;
    acl->nlog = 0;
}

void acl_free(struct acl *acl)
{
    for (int i = 0; i < acl->nusers; i++)
        acl_user_free(acl, acl->users[i]);
    mem_free(acl->users);
    mem_free(acl->cats);
    acl_log_reset(acl);
    memset(acl, 0, sizeof(*acl));
}

/* --- rules -------------------------------------------------------------- */

const char *acl_strerror(int err)
{
    switch (err) {
    case ACL_ERR_UNKNOWN:
        return "Unknown command or category name in ACL";
    case ACL_ERR_KEY_AFTER_ALL:
        return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
               "does not have any effect. Try 'resetkeys' to start with an empty list of "
               "patterns";
    case ACL_ERR_CHAN_AFTER_ALL:
        return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
               "and does not have any effect. Try 'resetchannels' to start with an empty list "
               "of channels";
    case ACL_ERR_NO_SUCH_PASS:
        return "The password you are trying to remove from the user does not exist";
    case ACL_ERR_BAD_HASH:
        return "The password hash must be exactly 64 characters and contain only lowercase "
               "hexadecimal characters";
    case ACL_ERR_FIRSTARG_SUB:
        return "Allowing first-arg of a subcommand is not supported";
    default:
        return "Syntax error";
    }
}

static int word_is(const char *rule, size_t len, const char *word)
{
    return util_eq_nocase(rule, len, word);
}

static int valid_hash(const char *h, size_t len)
{
    if (len != SHA256_HEX_LEN)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return 0;
    return 1;
}

static int pass_index(const struct acl_user *u, const char *hex)
{
    for (int i = 0; i < u->npass; i++)
        if (memcmp(u->pass[i], hex, SHA256_HEX_LEN) == 0)
            return i;
    return -1;
}

static void pass_add(struct acl_user *u, const char *hex)
{
    if (pass_index(u, hex) >= 0)
        return;
    u->pass = mem_realloc(u->pass, sizeof(*u->pass) * (size_t)(u->npass + 1));
    memcpy(u->pass[u->npass], hex, SHA256_HEX_LEN);
    u->pass[u->npass][SHA256_HEX_LEN] = '\0';
    u->npass++;
}

static int pass_remove(struct acl_user *u, const char *hex)
{
    int i = pass_index(u, hex);
    if (i < 0)
        return ACL_ERR_NO_SUCH_PASS;
    memmove(u->pass + i, u->pass + i + 1, sizeof(*u->pass) * (size_t)(u->npass - i - 1));
    u->npass--;
    return 0;
}

/* Add a pattern, merging permissions with an equal one (Redis keeps one
 * entry per pattern text). */
static void pattern_add(struct acl_pattern **list, int *n, const char *text, size_t len,
                        unsigned perms)
{
    for (int i = 0; i < *n; i++) {
        if ((*list)[i].len == len && memcmp((*list)[i].text, text, len) == 0) {
            (*list)[i].perms |= perms;
            return;
        }
    }
    *list = mem_realloc(*list, sizeof(**list) * (size_t)(*n + 1));
    (*list)[*n].text = mem_strndup(text, len);
    (*list)[*n].len = len;
    (*list)[*n].perms = perms;
    (*n)++;
}

/* A command by full name ("get", "config|get"), case-insensitive. */
static const struct command *find_command(const struct acl *acl, const char *name, size_t len)
{
    for (int i = 0; i < acl->ncmds; i++) {
        const char *fn = acl->cmds[i].fullname;
        if (strlen(fn) == len && util_eq_nocase(name, len, fn))
            return &acl->cmds[i];
    }
    return NULL;
}

/* +cmd, -cmd, +cmd|sub, -cmd|sub, +cmd|firstarg. */
static int apply_command_rule(const struct acl *acl, struct acl_user *u, const char *name,
                              size_t len, int on)
{
    const char *bar = memchr(name, '|', len);
    if (!bar) {
        const struct command *cmd = find_command(acl, name, len);
        if (!cmd || cmd->parent)
            return ACL_ERR_UNKNOWN;
        change_perm(acl, u, cmd, on);
        return 0;
    }
    if (!on) {
        const struct command *cmd = find_command(acl, name, len);
        if (!cmd || !cmd->parent)
            return ACL_ERR_UNKNOWN;
        change_perm(acl, u, cmd, 0);
        return 0;
    }
    /* Redis splits at the last '|': what is before must be a command, and
     * not a subcommand (no first args of subcommands). */
    const char *last = name + len - 1;
    while (*last != '|')
        last--;
    size_t blen = (size_t)(last - name);
    const char *sub = last + 1;
    size_t slen = len - blen - 1;
    const struct command *base = find_command(acl, name, blen);
    if (!base)
        return ACL_ERR_UNKNOWN;
    if (base->parent)
        return ACL_ERR_FIRSTARG_SUB;
    if (slen == 0)
        return ACL_ERR_SYNTAX;
    if (base->nsubs) {
        const struct command *cmd = find_command(acl, name, len);
        if (!cmd)
            return ACL_ERR_UNKNOWN;
        change_perm(acl, u, cmd, 1);
        return 0;
    }
    firstargs_add(u, row_id(acl, base), sub, slen);
    return 0;
}

int acl_user_apply(const struct acl *acl, struct acl_user *u, const char *rule, size_t len)
{
    if (len == 0)
        return 0;
    if (word_is(rule, len, "on")) {
        u->flags = (u->flags | ACL_USER_ON) & ~ACL_USER_OFF;
    } else if (word_is(rule, len, "off")) {
        u->flags = (u->flags | ACL_USER_OFF) & ~ACL_USER_ON;
    } else if (word_is(rule, len, "skip-sanitize-payload")) {
        u->flags = (u->flags | ACL_USER_SKIP_SANITIZE) & ~ACL_USER_SANITIZE;
    } else if (word_is(rule, len, "sanitize-payload")) {
        u->flags = (u->flags | ACL_USER_SANITIZE) & ~ACL_USER_SKIP_SANITIZE;
    } else if (word_is(rule, len, "nopass")) {
        u->flags |= ACL_USER_NOPASS;
        u->npass = 0;
    } else if (word_is(rule, len, "resetpass")) {
        u->flags &= ~ACL_USER_NOPASS;
        u->npass = 0;
    } else if (word_is(rule, len, "allkeys") || (len == 2 && memcmp(rule, "~*", 2) == 0)) {
        u->flags |= ACL_USER_ALLKEYS;
        patterns_free(u->keys, u->nkeys);
        u->keys = NULL;
        u->nkeys = 0;
    } else if (word_is(rule, len, "resetkeys")) {
        u->flags &= ~ACL_USER_ALLKEYS;
        patterns_free(u->keys, u->nkeys);
        u->keys = NULL;
        u->nkeys = 0;
    } else if (word_is(rule, len, "allchannels") || (len == 2 && memcmp(rule, "&*", 2) == 0)) {
        u->flags |= ACL_USER_ALLCHANNELS;
        patterns_free(u->chans, u->nchans);
        u->chans = NULL;
        u->nchans = 0;
    } else if (word_is(rule, len, "resetchannels")) {
        u->flags &= ~ACL_USER_ALLCHANNELS;
        patterns_free(u->chans, u->nchans);
        u->chans = NULL;
        u->nchans = 0;
    } else if (word_is(rule, len, "allcommands") || word_is(rule, len, "+@all")) {
        u->flags |= ACL_USER_ALLCOMMANDS | ACL_USER_FUTURE;
        memset(u->cmd_bits, 0xff, bits_size(acl));
        firstargs_reset(acl, u);
    } else if (word_is(rule, len, "nocommands") || word_is(rule, len, "-@all")) {
        u->flags &= ~(ACL_USER_ALLCOMMANDS | ACL_USER_FUTURE);
        memset(u->cmd_bits, 0, bits_size(acl));
        firstargs_reset(acl, u);
    } else if (word_is(rule, len, "clearselectors")) {
        /* Runnel has no selectors beyond the root one. */
    } else if (word_is(rule, len, "reset")) {
        static const char *const steps[] = {"resetpass", "resetkeys", "resetchannels", "off",
                                            "-@all", "sanitize-payload"};
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
            acl_user_apply(acl, u, steps[i], strlen(steps[i]));
    } else if (rule[0] == '>' || rule[0] == '<') {
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(rule + 1, len - 1, hex);
        if (rule[0] == '<')
            return pass_remove(u, hex);
        pass_add(u, hex);
        u->flags &= ~ACL_USER_NOPASS;
    } else if (rule[0] == '#' || rule[0] == '!') {
        if (!valid_hash(rule + 1, len - 1))
            return ACL_ERR_BAD_HASH;
        if (rule[0] == '!')
            return pass_remove(u, rule + 1);
        pass_add(u, rule + 1);
        u->flags &= ~ACL_USER_NOPASS;
    } else if (rule[0] == '~' || rule[0] == '%') {
        if (u->flags & ACL_USER_ALLKEYS)
            return ACL_ERR_KEY_AFTER_ALL;
        unsigned perms = 0;
        size_t off = 1;
        if (rule[0] == '%') {
            for (; off < len; off++) {
                char ch = (char)(rule[off] | 0x20);
                if (ch == 'r')
                    perms |= ACL_PERM_READ;
                else if (ch == 'w')
                    perms |= ACL_PERM_WRITE;
                else if (rule[off] == '~') {
                    off++;
                    break;
                } else
                    return ACL_ERR_SYNTAX;
            }
            if (!perms)
                return ACL_ERR_SYNTAX;
        } else {
            perms = ACL_PERM_READ | ACL_PERM_WRITE;
        }
        pattern_add(&u->keys, &u->nkeys, rule + off, len - off, perms);
    } else if (rule[0] == '&') {
        if (u->flags & ACL_USER_ALLCHANNELS)
            return ACL_ERR_CHAN_AFTER_ALL;
        pattern_add(&u->chans, &u->nchans, rule + 1, len - 1, 0);
    } else if ((rule[0] == '+' || rule[0] == '-') && len > 1 && rule[1] == '@') {
        uint32_t cat = acl_category_bit(rule + 2, len - 2);
        if (!cat)
            return ACL_ERR_UNKNOWN;
        apply_category(acl, u, cat, rule[0] == '+');
    } else if (rule[0] == '+' || rule[0] == '-') {
        return apply_command_rule(acl, u, rule + 1, len - 1, rule[0] == '+');
    } else {
        return ACL_ERR_SYNTAX;
    }
    return 0;
}

/* --- descriptions ----------------------------------------------------- */

struct acl_sb {
    char *p;
    size_t len, cap;
};

static void sb_add(struct acl_sb *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_adds(struct acl_sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static char *sb_take(struct acl_sb *b)
{
    if (b->len && b->p[b->len - 1] == ' ')
        b->p[--b->len] = '\0';
    return b->p ? b->p : mem_strdup("");
}

/* Commands in cat that u allows (on) and does not (off). */
static void count_category(const struct acl *acl, const struct acl_user *u, uint32_t cat,
                           long *on, long *off)
{
    *on = *off = 0;
    for (int i = 0; i < acl->ncmds; i++) {
        if (!(acl->cats[i] & cat))
            continue;
        if (bit_get(u, i))
            (*on)++;
        else
            (*off)++;
    }
}

/* The single-command pass of the description: rows whose bit still
 * differs from what the emitted rules give, then first-arg exceptions. */
static void describe_single(const struct acl *acl, const struct acl_user *u,
                            struct acl_user *fake, struct acl_sb *b, const struct command *cmd)
{
    int id = row_id(acl, cmd);
    int ub = bit_get(u, id);
    if (ub != bit_get(fake, id)) {
        sb_add(b, ub ? "+" : "-", 1);
        sb_adds(b, cmd->fullname);
        sb_add(b, " ", 1);
        change_perm(acl, fake, cmd, ub);
    }
    for (int i = 0; i < cmd->nsubs; i++)
        describe_single(acl, u, fake, b, cmd->subs[i]);
    if (!ub && u->firstargs[id]) {
        for (int k = 0; u->firstargs[id][k]; k++) {
            sb_add(b, "+", 1);
            sb_adds(b, cmd->fullname);
            sb_add(b, "|", 1);
            sb_adds(b, u->firstargs[id][k]);
            sb_add(b, " ", 1);
        }
    }
}

static void describe_commands(const struct acl *acl, const struct acl_user *u, struct acl_sb *b)
{
    int additive = !(u->flags & ACL_USER_FUTURE);
    struct acl_user *fake = acl_user_new(acl, "", 0);
    struct acl_user *temp = acl_user_new(acl, "", 0);
    sb_adds(b, additive ? "-@all " : "+@all ");
    acl_user_apply(acl, fake, additive ? "-@all" : "+@all", 5);
    memcpy(temp->cmd_bits, u->cmd_bits, bits_size(acl));
    char applied[ACL_NCATEGORIES] = {0};
    for (;;) {
        int best = -1;
        long mindiff = 0x7fffffff, maxsame = 0;
        for (int j = 0; j < ACL_NCATEGORIES; j++) {
            if (applied[j])
                continue;
            long on, off;
            count_category(acl, temp, 1u << j, &on, &off);
            long diff = additive ? off : on;
            long same = additive ? on : off;
            if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
                best = j;
                mindiff = diff;
                maxsame = same;
            }
        }
        if (best < 0)
            break;
        apply_category(acl, fake, 1u << best, additive);
        apply_category(acl, temp, 1u << best, !additive);
        sb_adds(b, additive ? "+@" : "-@");
        sb_adds(b, acl_category_names[best]);
        sb_add(b, " ", 1);
        applied[best] = 1;
    }
    for (int i = 0; i < acl->ncmds; i++)
        if (!acl->cmds[i].parent)
            describe_single(acl, u, fake, b, &acl->cmds[i]);
    acl_user_free(acl, fake);
    acl_user_free(acl, temp);
}

static void describe_keys(const struct acl_user *u, struct acl_sb *b)
{
    if (u->flags & ACL_USER_ALLKEYS) {
        sb_adds(b, "~* ");
        return;
    }
    for (int i = 0; i < u->nkeys; i++) {
        unsigned p = u->keys[i].perms;
        sb_adds(b, p == ACL_PERM_READ ? "%R~" : p == ACL_PERM_WRITE ? "%W~" : "~");
        sb_add(b, u->keys[i].text, u->keys[i].len);
        sb_add(b, " ", 1);
    }
}

static void describe_channels(const struct acl_user *u, struct acl_sb *b, int with_reset)
{
    if (u->flags & ACL_USER_ALLCHANNELS) {
        sb_adds(b, "&* ");
        return;
    }
    if (with_reset)
        sb_adds(b, "resetchannels ");
    for (int i = 0; i < u->nchans; i++) {
        sb_add(b, "&", 1);
        sb_add(b, u->chans[i].text, u->chans[i].len);
        sb_add(b, " ", 1);
    }
}

int acl_user_flag_names(const struct acl_user *u, const char **out)
{
    static const struct {
        unsigned flag;
        const char *name;
    } names[] = {{ACL_USER_ON, "on"},
                 {ACL_USER_OFF, "off"},
                 {ACL_USER_NOPASS, "nopass"},
                 {ACL_USER_SKIP_SANITIZE, "skip-sanitize-payload"},
                 {ACL_USER_SANITIZE, "sanitize-payload"}};
    int n = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (u->flags & names[i].flag)
            out[n++] = names[i].name;
    return n;
}

char *acl_user_describe(const struct acl *acl, const struct acl_user *u)
{
    struct acl_sb b = {0};
    const char *flags[5];
    sb_adds(&b, "user ");
    sb_add(&b, u->name, u->name_len);
    sb_add(&b, " ", 1);
    int nf = acl_user_flag_names(u, flags);
    for (int i = 0; i < nf; i++) {
        sb_adds(&b, flags[i]);
        sb_add(&b, " ", 1);
    }
    for (int i = 0; i < u->npass; i++) {
        sb_add(&b, "#", 1);
        sb_add(&b, u->pass[i], SHA256_HEX_LEN);
        sb_add(&b, " ", 1);
    }
    describe_keys(u, &b);
    describe_channels(u, &b, 1);
    describe_commands(acl, u, &b);
    return sb_take(&b);
}

char *acl_user_commands(const struct acl *acl, const struct acl_user *u)
{
    struct acl_sb b = {0};
    describe_commands(acl, u, &b);
    return sb_take(&b);
}

char *acl_user_keys(const struct acl_user *u)
{
    struct acl_sb b = {0};
    describe_keys(u, &b);
    return sb_take(&b);
}

char *acl_user_channels(const struct acl_user *u)
{
    struct acl_sb b = {0};
    describe_channels(u, &b, 0);
    return sb_take(&b);
}

/* --- checks ------------------------------------------------------------- */

/* Compare two 64-byte hex strings without an early exit, so the time taken
 * does not tell how much of a guess matched. */
static int hash_equal(const char *a, const char *b)
{
    unsigned diff = 0;
    for (int i = 0; i < SHA256_HEX_LEN; i++)
        diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}

struct acl_user *acl_check_credentials(const struct acl *acl, const char *user, size_t ulen,
                                       const char *pass, size_t plen)
{
    struct acl_user *u = acl_user_find(acl, user, ulen);
    if (!u || !(u->flags & ACL_USER_ON))
        return NULL;
    if (u->flags & ACL_USER_NOPASS)
        return u;
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(pass, plen, hex);
    int ok = 0;
    for (int i = 0; i < u->npass; i++)
        ok |= hash_equal(u->pass[i], hex);
    return ok ? u : NULL;
}

int acl_auth_required(const struct acl *acl)
{
    unsigned f = acl->default_user->flags;
    return !(f & ACL_USER_NOPASS) || !(f & ACL_USER_ON);
}

enum acl_result acl_check_key(const struct acl_user *u, const char *key, size_t len,
                              unsigned perms)
{
    if (u->flags & ACL_USER_ALLKEYS)
        return ACL_OK;
    for (int i = 0; i < u->nkeys; i++) {
        if ((u->keys[i].perms & perms) != perms)
            continue;
        if (util_glob_match(u->keys[i].text, u->keys[i].len, key, len, 0))
            return ACL_OK;
    }
    return ACL_DENIED_KEY;
}

enum acl_result acl_check_channel(const struct acl_user *u, const char *chan, size_t len,
                                  int is_pattern)
{
    if (u->flags & ACL_USER_ALLCHANNELS)
        return ACL_OK;
    for (int i = 0; i < u->nchans; i++) {
        const struct acl_pattern *p = &u->chans[i];
        /* A PSUBSCRIBE pattern must be one of the user's patterns as
         * written; a channel must match one by glob. */
        if (is_pattern) {
            if (p->len == len && memcmp(p->text, chan, len) == 0)
                return ACL_OK;
        } else if (util_glob_match(p->text, p->len, chan, len, 0)) {
            return ACL_OK;
        }
    }
    return ACL_DENIED_CHANNEL;
}

/* Read/write permissions a key spec's flags ask for (Redis's
 * ACLSelectorCheckKey: access reads; insert, delete, update write). */
static unsigned key_perms(unsigned spec)
{
    unsigned p = 0;
    if (spec & KEYSPEC_ACCESS)
        p |= ACL_PERM_READ;
    if (spec & (KEYSPEC_INSERT | KEYSPEC_DELETE | KEYSPEC_UPDATE))
        p |= ACL_PERM_WRITE;
    return p;
}

/* Where a command names channels (Redis's getChannelsFromCommand, for the
 * publish and subscribe kinds it checks): 0 none, 1 its first argument,
 * 2 every argument, 3 every argument as a pattern. */
static int channel_args(const struct command *cmd)
{
    const char *n = cmd->fullname;
    if (strcmp(n, "publish") == 0 || strcmp(n, "spublish") == 0)
        return 1;
    if (strcmp(n, "subscribe") == 0 || strcmp(n, "ssubscribe") == 0)
        return 2;
    if (strcmp(n, "psubscribe") == 0)
        return 3;
    return 0;
}

enum acl_result acl_check_command(const struct acl *acl, const struct acl_user *u,
                                  const struct command *cmd, const struct util_arg *argv,
                                  int argc, int *errpos)
{
    int id = row_id(acl, cmd);
    if (!(u->flags & ACL_USER_ALLCOMMANDS) && !(cmd->flags & CMD_NO_AUTH) && !bit_get(u, id)) {
        char **list = u->firstargs[id];
        int idx = cmd->parent ? 2 : 1;
        if (argc <= idx || !list)
            return ACL_DENIED_CMD;
        int k = 0;
        for (; list[k]; k++)
            if (strlen(list[k]) == argv[idx].len &&
                util_eq_nocase(argv[idx].ptr, argv[idx].len, list[k]))
                break;
        if (!list[k])
            return ACL_DENIED_CMD;
    }
    if (!(u->flags & ACL_USER_ALLKEYS) && command_has_keys(cmd)) {
        struct command_key *keys;
        int n = command_get_keys(cmd, argv, argc, &keys);
        for (int i = 0; i < n; i++) {
            const struct util_arg *k = &argv[keys[i].pos];
            if (acl_check_key(u, k->ptr, k->len, key_perms(keys[i].flags)) != ACL_OK) {
                if (errpos)
                    *errpos = keys[i].pos;
                mem_free(keys);
                return ACL_DENIED_KEY;
            }
        }
        mem_free(keys);
    }
    int kind = (u->flags & ACL_USER_ALLCHANNELS) ? 0 : channel_args(cmd);
    int last = kind == 1 ? (argc > 1 ? 1 : 0) : argc - 1;
    for (int i = 1; kind && i <= last; i++) {
        if (acl_check_channel(u, argv[i].ptr, argv[i].len, kind == 3) != ACL_OK) {
            if (errpos)
                *errpos = i;
            return ACL_DENIED_CHANNEL;
        }
    }
    return ACL_OK;
}

/* --- ACL LOG ------------------------------------------------------------ */

#define ACL_LOG_GROUP_MS 60000 /* equal denials within this merge */

void acl_log_add(struct acl *acl, enum acl_result reason, int context, const char *object,
                 size_t olen, const char *username, size_t ulen, char *cinfo, long long now_ms,
                 int max_len)
{
    switch (reason) {
    case ACL_DENIED_AUTH:
        acl->denied_auth++;
        break;
    case ACL_DENIED_CMD:
        acl->denied_cmd++;
        break;
    case ACL_DENIED_KEY:
        acl->denied_key++;
        break;
    case ACL_DENIED_CHANNEL:
        acl->denied_channel++;
        break;
    default:
        break;
    }
    /* Redis looks at the 10 newest entries for one to merge with and moves
     * it to the front. */
    for (int i = 0; i < acl->nlog && i < 10; i++) {
        struct acl_log_entry *e = &acl->log[i];
        if (e->reason == reason && e->context == context && strlen(e->object) == olen &&
            memcmp(e->object, object, olen) == 0 && strlen(e->username) == ulen &&
            memcmp(e->username, username, ulen) == 0 && now_ms - e->ctime_ms < ACL_LOG_GROUP_MS) {
            struct acl_log_entry m = *e;
            mem_free(m.cinfo);
            m.cinfo = cinfo;
            m.ctime_ms = now_ms;
            m.count++;
            memmove(acl->log + 1, acl->log, sizeof(*acl->log) * (size_t)i);
            acl->log[0] = m;
            return;
        }
    }
    acl->log = mem_realloc(acl->log, sizeof(*acl->log) * (size_t)(acl->nlog + 1));
    memmove(acl->log + 1, acl->log, sizeof(*acl->log) * (size_t)acl->nlog);
    acl->nlog++;
    struct acl_log_entry *e = &acl->log[0];
    e->count = 1;
    e->reason = reason;
    e->context = context;
    e->object = mem_strndup(object, olen);
    e->username = mem_strndup(username, ulen);
    e->ctime_ms = now_ms;
    e->cinfo = cinfo;
    while (acl->nlog > (max_len > 0 ? max_len : 0)) {
        struct acl_log_entry *t = &acl->log[--acl->nlog];
        mem_free(t->object);
        mem_free(t->username);
        mem_free(t->cinfo);
    }
}
