/* supervise.h -- how the process runs under a supervisor: daemonize, the
 * pid file, and readiness for systemd (Type=notify) and upstart.
 *
 * systemd's notify protocol needs no libsystemd: a datagram of
 * "KEY=value\n" lines sent to the AF_UNIX socket named by $NOTIFY_SOCKET
 * (a path, or "@name" for the abstract namespace).  Runnel sends, as
 * Redis 7.0 does with `supervised systemd` (or `auto` with NOTIFY_SOCKET
 * set), one datagram each: "STATUS=Runnel is loading...", then once the
 * data is loaded and the listeners are open "STATUS=Ready to accept
 * connections" and "READY=1", and "STOPPING=1" when shutdown starts.  Under upstart
 * (`supervised upstart`, or `auto` with UPSTART_JOB set) readiness is a
 * SIGSTOP to ourselves, upstart's `expect stop`.  A supervised server never
 * daemonizes, whatever `daemonize` says (Redis's rule). */
#ifndef RUNNEL_SUPERVISE_H
#define RUNNEL_SUPERVISE_H

struct server;

enum supervise_mode { SUPERVISE_NONE = 0, SUPERVISE_UPSTART, SUPERVISE_SYSTEMD };

#define SUPERVISE_DEFAULT_PIDFILE "/var/run/runnel.pid"

/* The mode the `supervised` option (enum config_supervised) resolves to in
 * this environment.  No logging (it runs before the log is open); call
 * supervise_announce once it is. */
int supervise_detect(int config_mode);
/* Log the mode (and why a requested one is off), and tell systemd we are
 * loading.  Returns the mode finally in force (systemd drops to none when
 * its socket cannot be reached, as Redis). */
int supervise_announce(int config_mode, int mode);
/* INFO's process_supervised value: "no", "upstart" or "systemd". */
const char *supervise_mode_name(int mode);

/* Send one notify datagram (msg: "KEY=value\n" lines) to $NOTIFY_SOCKET.
 * 0 when sent; -1 when the variable is unset, not a unix socket address,
 * or the send failed. */
int supervise_notify(const char *msg);
/* Data loaded and listeners open: READY=1 (systemd) or SIGSTOP (upstart). */
void supervise_ready(struct server *srv);
/* Shutdown has begun: STOPPING=1 (systemd). */
void supervise_stopping(struct server *srv);

/* Detach as Redis's `daemonize yes`: fork (the parent exits 0), setsid,
 * fork again so the daemon can never reacquire a terminal, stdio to
 * /dev/null.  The working directory is kept (`dir` may be relative).
 * Returns 0 in the daemon, -1 (errno) if a fork failed. */
int supervise_daemonize(void);
/* Write our pid and a newline to path; -1 (logged) on failure. */
int supervise_write_pidfile(const char *path);

#endif
