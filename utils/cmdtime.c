/* cmdtime.c -- how long a command takes, seen from an open connection.
 *
 *   cmdtime PORT N WORD...
 *
 * Sends the command (its words as a RESP array) N times, one after the
 * other on one connection, and prints each reply's wait in microseconds,
 * one per line.  For commands that take milliseconds (SAVE, DEBUG RELOAD):
 * timing them with a redis-cli per call also times starting redis-cli,
 * about 15 ms on the benchmark machines, a third of a 1M-entry SAVE.
 * Exit status 1 on an error reply or a lost connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"

/* Read until a whole simple reply line (+OK, -ERR ..., :n) has arrived;
 * returns 1 for an error reply, 0 otherwise. */
static int read_reply(int fd)
{
    char buf[4096];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (n <= 0) {
            fprintf(stderr, "cmdtime: connection lost\n");
            exit(1);
        }
        have += (size_t)n;
        buf[have] = '\0';
        char *eol = strstr(buf, "\r\n");
        if (eol) {
            if (buf[0] == '-') {
                fprintf(stderr, "cmdtime: %.*s\n", (int)(eol - buf), buf);
                return 1;
            }
            return 0;
        }
        if (have == sizeof(buf) - 1) {
            fprintf(stderr, "cmdtime: reply too long (not a simple reply)\n");
            exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: cmdtime PORT N WORD...\n");
        return 2;
    }
    int port = atoi(argv[1]);
    long n = atol(argv[2]);
    char cmd[4096];
    int len = snprintf(cmd, sizeof(cmd), "*%d\r\n", argc - 3);
    for (int i = 3; i < argc && len > 0 && (size_t)len < sizeof(cmd); i++)
        len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, "$%zu\r\n%s\r\n", strlen(argv[i]),
                        argv[i]);
    if (len <= 0 || (size_t)len >= sizeof(cmd)) {
        fprintf(stderr, "cmdtime: command too long\n");
        return 2;
    }
    int fd = bench_dial(port);
    for (long i = 0; i < n; i++) {
        long long t0 = bench_now_us();
        bench_send_all(fd, cmd, (size_t)len);
        if (read_reply(fd))
            return 1;
        printf("%lld\n", bench_now_us() - t0);
    }
    close(fd);
    return 0;
}
