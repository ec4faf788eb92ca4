/* log.h -- logging in Redis's line format.
 *
 *   1234:M 22 Nov 2026 10:00:00.123 * Ready to accept connections
 *
 * pid, role character (M), date with milliseconds, a level mark
 * ('.' debug, '-' verbose, '*' notice, '#' warning), the message.  Lines go
 * to the configured logfile, or stdout when it is empty. */
#ifndef RUNNEL_LOG_H
#define RUNNEL_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_VERBOSE, LOG_NOTICE, LOG_WARNING };

/* Set the threshold and destination ("" or NULL = stdout).  Returns -1 if
 * the file cannot be opened (the previous destination stays). */
int log_setup(int level, const char *path);
/* Open the log file again by its name (SIGHUP, after logrotate moved it
 * away); the old stream is kept when the file cannot be opened (-1).  A
 * no-op when logging to stdout. */
int log_reopen(void);
void log_set_level(int level);
int log_get_level(void);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_teardown(void);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_VERBOSE, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)

#endif
