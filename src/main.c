/* main.c -- runnel-server [configfile] [--name value ...]
 *
 * Start-up: config (file, then command-line overrides), logging, daemonize
 * and pidfile if asked, the server and its listeners; then the loop until
 * SIGTERM/SIGINT or SHUTDOWN; then a clean teardown.  The process exits
 * non-zero only when it cannot start. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aof.h"
#include "config.h"
#include "log.h"
#include "mem.h"
#include "server.h"
#include "snapshot.h"
#include "version.h"

static void usage(void)
{
    fprintf(stderr,
            "Usage: ./runnel-server [/path/to/runnel.conf] [options] [-]\n"
            "       ./runnel-server -v or --version\n"
            "       ./runnel-server -h or --help\n\n"
            "Examples:\n"
            "       ./runnel-server (run the server with default config)\n"
            "       ./runnel-server conf/runnel.conf\n"
            "       ./runnel-server --port 7777\n"
            "       ./runnel-server conf/runnel.conf --loglevel verbose\n");
}

static int daemonize(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        exit(0);
    setsid();
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

static void write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        log_warning("Failed to write PID file: %s", strerror(errno));
        return;
    }
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("Runnel server v=%s (Redis protocol %s)\n", RUNNEL_VERSION, RUNNEL_REDIS_VERSION);
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage();
        return 0;
    }

    struct server *srv = mem_calloc(sizeof(*srv));
    config_init_defaults(&srv->cfg);
    char err[4096];
    if (config_load_args(&srv->cfg, argc, argv, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    srv->cfg.apply = server_apply_config;
    srv->cfg.apply_opaque = srv;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        srv->executable = mem_strdup(exe);
    }

    if (srv->cfg.daemonize && daemonize() < 0) {
        fprintf(stderr, "Can't daemonize: %s\n", strerror(errno));
        return 1;
    }
    if (log_setup(srv->cfg.loglevel, srv->cfg.logfile) < 0) {
        fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
        return 1;
    }
    log_notice("Runnel %s starting (Redis protocol %s), pid=%ld", RUNNEL_VERSION,
               RUNNEL_REDIS_VERSION, (long)getpid());
    if (srv->cfg.config_file)
        log_notice("Configuration loaded from %s", srv->cfg.config_file);
    else
        log_warning("No config file specified, using the default config. In order to specify a "
                    "config file use %s /path/to/runnel.conf",
                    argv[0]);
    if (server_init(srv) < 0 || aof_load_at_start(srv) < 0 || snapshot_load_at_start(srv) < 0 ||
        server_listen(srv) < 0) {
        log_warning("Failed to start, exiting.");
        server_free(srv);
        mem_free(srv);
        log_teardown();
        return 1;
    }
    if (srv->cfg.pidfile && srv->cfg.pidfile[0])
        write_pidfile(srv->cfg.pidfile);
    log_notice("Server initialized; listening on port %d", srv->cfg.port);

    int rc = server_run(srv);
    server_shutdown(srv);
    server_free(srv);
    mem_free(srv);
    log_teardown();
    return rc < 0 ? 1 : 0;
}
