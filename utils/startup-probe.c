/* startup-probe.c -- time a server's start-up to its first PONG.
 *
 *   startup-probe [-t TIMEOUT_MS] [-l LOG] CMD ARG...
 *
 * Picks a free TCP port, replaces every argument that is exactly "@PORT@"
 * with it, starts CMD, and polls 127.0.0.1:PORT every 0.2 ms: connect, send
 * PING, wait for +PONG (a -LOADING reply means "not yet").  Prints the time
 * from spawn to PONG in milliseconds ("12.345"), then stops the server with
 * SIGTERM (SIGKILL after 5 s) and reaps it.  Exits 1, printing why on stderr,
 * if the server exits first or the timeout (default 10000 ms) passes.
 *
 * A separate program rather than a redis-cli loop because spawning redis-cli
 * costs milliseconds, about as much as what we measure.  Built on the fly by
 * utils/startup-time.sh. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_INTERVAL_NS 200000L

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A port nobody listens on: bind port 0 and ask the kernel what it gave. */
static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* One attempt: connect, PING, read.  1 PONG, 0 not ready, -1 odd reply. */
static int ping_once(int port)
{
    struct sockaddr_in a;
    char buf[256];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return 0;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    static const char ping[] = "*1\r\n$4\r\nPING\r\n";
    if (write(fd, ping, sizeof(ping) - 1) != (ssize_t)(sizeof(ping) - 1)) {
        close(fd);
        return 0;
    }
    size_t got = 0;
    int rc = 0;
    while (got < sizeof(buf) - 1) {
        struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
        if (poll(&p, 1, 1000) <= 0)
            break;
        ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "\r\n")) {
            if (strncmp(buf, "+PONG\r\n", 7) == 0)
                rc = 1;
            else if (strncmp(buf, "-LOADING", 8) == 0)
                rc = 0;
            else
                rc = -1;
            break;
        }
    }
    close(fd);
    return rc;
}

static void stop_child(pid_t pid)
{
    int status;
    kill(pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return;
        struct timespec ts = { 0, 10000000L };
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

int main(int argc, char **argv)
{
    int timeout_ms = 10000;
    const char *log = "/dev/null";
    int opt;
    while ((opt = getopt(argc, argv, "+t:l:")) != -1) {
        if (opt == 't')
            timeout_ms = atoi(optarg);
        else if (opt == 'l')
            log = optarg;
        else
            goto usage;
    }
    if (optind >= argc || timeout_ms <= 0)
        goto usage;

    int port = free_port();
    if (port < 0) {
        perror("startup-probe: free port");
        return 1;
    }
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    char **cmd = calloc((size_t)(argc - optind + 1), sizeof(char *));
    if (!cmd)
        return 1;
    for (int i = optind; i < argc; i++)
        cmd[i - optind] = strcmp(argv[i], "@PORT@") == 0 ? portstr : argv[i];

    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("startup-probe: fork");
        return 1;
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(cmd[0], cmd);
        _exit(127);
    }

    for (;;) {
        int r = ping_once(port);
        double t = now_ms();
        if (r == 1) {
            printf("%.3f\n", t - t0);
            stop_child(pid);
            free(cmd);
            return 0;
        }
        if (r < 0) {
            fprintf(stderr, "startup-probe: unexpected reply to PING\n");
            break;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "startup-probe: %s exited before answering PING\n", cmd[0]);
            free(cmd);
            return 1;
        }
        if (t - t0 > timeout_ms) {
            fprintf(stderr, "startup-probe: no PONG within %d ms\n", timeout_ms);
            break;
        }
        struct timespec ts = { 0, POLL_INTERVAL_NS };
        nanosleep(&ts, NULL);
    }
    stop_child(pid);
    free(cmd);
    return 1;
usage:
    fprintf(stderr, "usage: startup-probe [-t TIMEOUT_MS] [-l LOG] CMD ARG... (@PORT@ is replaced)\n");
    return 2;
}
