/* command_docs.h -- COMMAND DOCS/INFO data: the notation, its emitter, key specs.
 *
 * command_docs.def holds, for each command, three strings in a small
 * notation (described at the top of command_docs.c) that reproduce Redis's
 * replies byte for byte, RESP types included:
 *
 *   docs      the COMMAND DOCS map of the command, without "subcommands"
 *   keyspecs  the key specs set of COMMAND INFO (NULL: empty set)
 *   tips      the tips set of COMMAND INFO (NULL: empty set)
 *
 * At start-up command_docs_attach() points every row of the table at its
 * strings and validates them, so a malformed row stops the server before it
 * listens; afterwards the emitter can trust the notation.
 *
 * The key specs also drive COMMAND GETKEYS: command_get_keys() finds the key
 * positions of a full command line as Redis's key-spec search does
 * (begin_search index/keyword, find_keys range/keynum), falling back to the
 * row's first/last/step when a command has no key specs. */
#ifndef RUNNEL_COMMAND_DOCS_H
#define RUNNEL_COMMAND_DOCS_H

#include <stddef.h>

struct command;
struct reply_buf;
struct util_arg;

/* Key spec flags, in the order Redis lists them (GETKEYSANDFLAGS). */
#define KEYSPEC_RO (1u << 0)
#define KEYSPEC_RW (1u << 1)
#define KEYSPEC_OW (1u << 2)
#define KEYSPEC_RM (1u << 3)
#define KEYSPEC_ACCESS (1u << 4)
#define KEYSPEC_UPDATE (1u << 5)
#define KEYSPEC_INSERT (1u << 6)
#define KEYSPEC_DELETE (1u << 7)
#define KEYSPEC_NOT_KEY (1u << 8)
#define KEYSPEC_INCOMPLETE (1u << 9)
#define KEYSPEC_VARIABLE_FLAGS (1u << 10)

enum keyspec_bs { KEYSPEC_BS_UNKNOWN = 0, KEYSPEC_BS_INDEX, KEYSPEC_BS_KEYWORD };
enum keyspec_fk { KEYSPEC_FK_UNKNOWN = 0, KEYSPEC_FK_RANGE, KEYSPEC_FK_KEYNUM };

#define KEYSPEC_KEYWORD_MAX 32  /* longest begin_search keyword, NUL included */
#define KEYSPEC_MAX 8           /* most key specs one command may have */

/* One key spec, decoded from the notation. */
struct keyspec {
    unsigned flags;                 /* KEYSPEC_* */
    enum keyspec_bs bs;
    int bs_index;                   /* index: position of the first key */
    char bs_keyword[KEYSPEC_KEYWORD_MAX]; /* keyword: the word before the keys */
    int bs_startfrom;               /* keyword: where to start (<0: from the end) */
    enum keyspec_fk fk;
    int fk_lastkey, fk_keystep, fk_limit;       /* range */
    int fk_keynumidx, fk_firstkey;              /* keynum (keystep shared) */
};

/* One key found by command_get_keys(). */
struct command_key {
    int pos;          /* index into argv */
    unsigned flags;   /* its spec's KEYSPEC_* flags (0 from first/last/step) */
};

/* 0 if notation is exactly one well-formed value (surrounding whitespace
 * allowed), -1 if it is NULL, empty, malformed or nested too deep. */
int command_docs_validate(const char *notation);

/* Point each command of cmds[0..n) at its command_docs.def row and check
 * every row: docs must be a map, keyspecs and tips sets or arrays, key specs
 * decodable.  A row naming no command is an error too.  Returns 0, or -1
 * with a message in err. */
int command_docs_attach(struct command *cmds, int n, char *err, size_t errlen);

/* Like the check command_docs_attach() runs on each row; for tests. */
int command_docs_check_row(const char *docs, const char *keyspecs, const char *tips,
                           char *err, size_t errlen);

/* Append the value a (validated) notation describes.  NULL appends an empty
 * set (the tips or key specs of a command that has none). */
void command_docs_emit(struct reply_buf *r, const char *notation);

/* Append the map a docs notation describes with room for `extra` more
 * pairs, which the caller appends next (COMMAND DOCS adds "subcommands").
 * NULL is an empty map. */
void command_docs_emit_map(struct reply_buf *r, const char *notation, long extra);

/* Decode a key specs notation into specs[0..max); returns the count, or -1
 * if it is malformed or has more than max specs.  NULL decodes to 0. */
int command_keyspecs_parse(const char *notation, struct keyspec *specs, int max);

/* 1 if Redis would call the command's keys movable: a key spec that is not
 * begin_search index + find_keys range. */
int command_keyspecs_movable(const char *notation);

/* 1 if COMMAND GETKEYS may find keys in cmd: a key spec not flagged
 * not_key, movable keys, or a first key in the table row. */
int command_has_keys(const struct command *cmd);

/* Find the keys of argv[0..argc), argv[0] being the command's name (and
 * argv[1] the subcommand's, for a subcommand).  Stores a mem_alloc'd array
 * in *out (NULL when none; free with mem_free) and returns its length, 0
 * when the arguments do not hold the keys the specs promise (Redis's
 * "invalid spec" case, which makes GETKEYS fail). */
int command_get_keys(const struct command *cmd, const struct util_arg *argv, int argc,
                     struct command_key **out);

/* Append key spec flags as GETKEYSANDFLAGS does: a set of simple strings. */
void command_reply_keyspec_flags(struct reply_buf *r, unsigned flags);

#endif
