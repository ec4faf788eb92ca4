/* main.c -- runnel-server [configfile] [--name value ...]
 *
 * Start-up: config (file, then command-line overrides), daemonize if asked
 * and not supervised, logging, the pid file, the server, its data and its
 * listeners, then readiness to systemd/upstart (supervise.c); then the loop
 * until SIGTERM/SIGINT or SHUTDOWN; then a clean teardown.  The process exits
 * non-zero only when it cannot start. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aof.h"
#include "config.h"
#include "log.h"
#include "maxmemory.h"
#include "mem.h"
#include "server.h"
#include "snapshot.h"
#include "supervise.h"
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

    /* A supervised server stays in the foreground (Redis's rule). */
    int mode = supervise_detect(srv->cfg.supervised);
    int background = srv->cfg.daemonize && mode == SUPERVISE_NONE;
    if (background && supervise_daemonize() < 0) {
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
    srv->supervised = supervise_announce(srv->cfg.supervised, mode);
    /* The pid file goes in before loading, as Redis writes it: a daemon
     * without one gets the default path. */
    if (background && !srv->cfg.pidfile[0]) {
        mem_free(srv->cfg.pidfile);
        srv->cfg.pidfile = mem_strdup(SUPERVISE_DEFAULT_PIDFILE);
    }
    if (srv->cfg.pidfile[0])
        supervise_write_pidfile(srv->cfg.pidfile);
    if (server_init(srv) < 0 || aof_load_at_start(srv) < 0 || snapshot_load_at_start(srv) < 0 ||
        server_listen(srv) < 0) {
        log_warning("Failed to start, exiting.");
        if (srv->cfg.pidfile[0])
            unlink(srv->cfg.pidfile);
        server_free(srv);
        mem_free(srv);
        log_teardown();
        return 1;
    }
    maxmemory_startup(srv);
    if (srv->cfg.port)
        log_notice("Server initialized; listening on port %d", srv->cfg.port);
    else
        log_notice("Server initialized; no TCP port (port 0)");
    if (srv->cfg.unixsocket[0])
        log_notice("The server is now ready to accept connections at %s", srv->cfg.unixsocket);
    supervise_ready(srv);

    int rc = server_run(srv);
    server_shutdown(srv);
    server_free(srv);
    mem_free(srv);
    log_teardown();
    return rc < 0 ? 1 : 0;
}
