/* log.c -- see log.h.  The destination and threshold are process-wide like
 * the file descriptors they stand for; they are set once from the config at
 * start and changed by CONFIG SET loglevel. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct {
    int level;
    FILE *out;       /* NULL means stdout */
    char path[4096]; /* the file out is, for log_reopen; "" = stdout */
} log_state = {LOG_NOTICE, NULL, ""};

int log_setup(int level, const char *path)
{
    log_state.level = level;
    if (path && *path) {
        if (strlen(path) >= sizeof(log_state.path))
            return -1;
        FILE *f = fopen(path, "a");
        if (!f)
            return -1;
        if (log_state.out)
            fclose(log_state.out);
        log_state.out = f;
        strcpy(log_state.path, path);
    }
    return 0;
}

int log_reopen(void)
{
    if (!log_state.path[0])
        return 0;
    FILE *f = fopen(log_state.path, "a");
    if (!f)
        return -1;
    if (log_state.out)
        fclose(log_state.out);
    log_state.out = f;
    return 0;
}

void log_set_level(int level)
{
    log_state.level = level;
}

int log_get_level(void)
{
    return log_state.level;
}

void log_msg(int level, const char *fmt, ...)
{
    static const char marks[] = ".-*#";
    if (level < log_state.level)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char date[64];
    size_t off = strftime(date, sizeof(date), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(date + off, sizeof(date) - off, "%03d", (int)(tv.tv_usec / 1000));

    FILE *f = log_state.out ? log_state.out : stdout;
    fprintf(f, "%d:M %s %c %s\n", (int)getpid(), date, marks[level & 3], msg);
    fflush(f);
}

void log_teardown(void)
{
    if (log_state.out)
        fclose(log_state.out);
    log_state.out = NULL;
}
