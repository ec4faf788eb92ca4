/* supervise.c -- daemonize, pid file, systemd/upstart readiness; see
 * supervise.h. */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "server.h"

int supervise_detect(int config_mode)
{
    switch (config_mode) {
    case CONFIG_SUPERVISED_AUTO:
        if (getenv("UPSTART_JOB"))
            return SUPERVISE_UPSTART;
        if (getenv("NOTIFY_SOCKET"))
            return SUPERVISE_SYSTEMD;
        return SUPERVISE_NONE;
    case CONFIG_SUPERVISED_UPSTART:
        return getenv("UPSTART_JOB") ? SUPERVISE_UPSTART : SUPERVISE_NONE;
    case CONFIG_SUPERVISED_SYSTEMD:
        return getenv("NOTIFY_SOCKET") ? SUPERVISE_SYSTEMD : SUPERVISE_NONE;
    default:
        return SUPERVISE_NONE;
    }
}

int supervise_announce(int config_mode, int mode)
{
    if (config_mode == CONFIG_SUPERVISED_UPSTART && mode == SUPERVISE_NONE)
        log_warning("upstart supervision requested, but UPSTART_JOB not found!");
    if (config_mode == CONFIG_SUPERVISED_SYSTEMD && mode == SUPERVISE_NONE)
        log_warning("systemd supervision requested or auto-detected, but NOTIFY_SOCKET "
                    "environment variable not found!");
    if (mode == SUPERVISE_UPSTART) {
        log_notice("Supervised by upstart, will stop to signal readiness.");
    } else if (mode == SUPERVISE_SYSTEMD) {
        if (supervise_notify("STATUS=Runnel is loading...\n") < 0) {
            log_warning("systemd supervision requested, but NOTIFY_SOCKET '%s' cannot be "
                        "reached: %s",
                        getenv("NOTIFY_SOCKET"), strerror(errno));
            return SUPERVISE_NONE;
        }
        log_notice("Supervised by systemd. Please make sure you set appropriate values for "
                   "TimeoutStartSec and TimeoutStopSec in your service unit.");
    }
    return mode;
}

const char *supervise_mode_name(int mode)
{
    switch (mode) {
    case SUPERVISE_UPSTART:
        return "upstart";
    case SUPERVISE_SYSTEMD:
        return "systemd";
    default:
        return "no";
    }
}

int supervise_notify(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    size_t len = path ? strlen(path) : 0;
    if (len < 2 || (path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path)) {
        errno = EINVAL;
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* abstract: the name is exactly len bytes */
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    size_t n = strlen(msg);
    ssize_t sent = sendto(fd, msg, n, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
    int saved = errno;
    close(fd);
    errno = saved;
    return sent == (ssize_t)n ? 0 : -1;
}

void supervise_ready(struct server *srv)
{
    if (srv->supervised == SUPERVISE_SYSTEMD) {
        /* Two datagrams, in Redis 7.0's order. */
        if (supervise_notify("STATUS=Ready to accept connections\n") < 0 ||
            supervise_notify("READY=1\n") < 0)
            log_warning("Could not notify systemd that we are ready: %s", strerror(errno));
    } else if (srv->supervised == SUPERVISE_UPSTART) {
        /* upstart's `expect stop` waits for this stop, then continues us. */
        raise(SIGSTOP);
        unsetenv("UPSTART_JOB");
    }
}

void supervise_stopping(struct server *srv)
{
    if (srv->supervised == SUPERVISE_SYSTEMD && supervise_notify("STOPPING=1\n") < 0)
        log_warning("Could not notify systemd that we are stopping: %s", strerror(errno));
}

int supervise_daemonize(void)
{
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return -1;
    /* No longer a session leader after this fork: opening a terminal can
     * never make it our controlling one. */
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO)
            close(fd);
    }
    return 0;
}

int supervise_write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        log_warning("Failed to write PID file: %s", strerror(errno));
        return -1;
    }
    fprintf(f, "%ld\n", (long)getpid());
    if (fclose(f) != 0) {
        log_warning("Failed to write PID file: %s", strerror(errno));
        return -1;
    }
    return 0;
}
