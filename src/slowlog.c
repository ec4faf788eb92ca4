/* slowlog.c -- see slowlog.h. */
#include "slowlog.h"

#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "util.h"

static void entry_free(struct slowlog_entry *e)
{
    for (int i = 0; i < e->argc; i++)
        mem_free(e->argv[i]);
    mem_free(e->argv);
    mem_free(e->argv_len);
    mem_free(e->peer);
    mem_free(e->name);
    mem_free(e);
}

static void set_arg(struct slowlog_entry *e, int i, const char *p, size_t len)
{
    e->argv[i] = mem_strndup(p, len);
    e->argv_len[i] = len;
}

void slowlog_push(struct slowlog *sl, const struct util_arg *argv, int argc,
                  const unsigned char *redact, long long time, long long duration,
                  const char *peer, const char *name, long long max_len)
{
    struct slowlog_entry *e = mem_calloc(sizeof(*e));
    e->id = sl->next_id++;
    e->time = time;
    e->duration = duration;
    e->argc = argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : argc;
    e->argv = mem_alloc(sizeof(char *) * (size_t)e->argc);
    e->argv_len = mem_alloc(sizeof(size_t) * (size_t)e->argc);
    for (int i = 0; i < e->argc; i++) {
        char buf[SLOWLOG_MAX_STRING + 64];
        if (i == SLOWLOG_MAX_ARGC - 1 && argc > SLOWLOG_MAX_ARGC) {
            /* The last slot says how many arguments were left out. */
            int n = snprintf(buf, sizeof(buf), "... (%d more arguments)",
                             argc - SLOWLOG_MAX_ARGC + 1);
            set_arg(e, i, buf, (size_t)n);
        } else if (redact && redact[i]) {
            set_arg(e, i, "(redacted)", 10);
        } else if (argv[i].len > SLOWLOG_MAX_STRING) {
            memcpy(buf, argv[i].ptr, SLOWLOG_MAX_STRING);
            int n = snprintf(buf + SLOWLOG_MAX_STRING, sizeof(buf) - SLOWLOG_MAX_STRING,
                             "... (%zu more bytes)", argv[i].len - SLOWLOG_MAX_STRING);
            set_arg(e, i, buf, SLOWLOG_MAX_STRING + (size_t)n);
        } else {
            set_arg(e, i, argv[i].ptr, argv[i].len);
        }
    }
    e->peer = mem_strdup(peer);
    e->name = mem_strdup(name ? name : "");
    e->next = sl->head;
    sl->head = e;
    sl->len++;
    slowlog_trim(sl, max_len);
}

void slowlog_trim(struct slowlog *sl, long long max_len)
{
    if (sl->len <= max_len)
        return;
    struct slowlog_entry **pp = &sl->head;
    for (long long i = 0; i < max_len && *pp; i++)
        pp = &(*pp)->next;
    struct slowlog_entry *e = *pp;
    *pp = NULL;
    while (e) {
        struct slowlog_entry *next = e->next;
        entry_free(e);
        sl->len--;
        e = next;
    }
}

void slowlog_reset(struct slowlog *sl)
{
    slowlog_trim(sl, 0);
}
