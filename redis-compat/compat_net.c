/* compat_net.c -- one client connection to a server under test.
 *
 * Sockets are non-blocking and every wait is a poll() with a deadline, so
 * a server that hangs costs one timeout, never the whole run.  Any failure
 * (peer closed, reset, timeout, protocol error) closes the connection: its
 * byte stream can no longer be trusted to line up with the script, and the
 * runner reopens it on next use. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define NET_WRITE_TIMEOUT_MS 5000
#define NET_READ_CHUNK 65536

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until deadline; 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left < 0)
            left = 0;
        struct pollfd pfd = { .fd = fd, .events = events, .revents = 0 };
        int rc = poll(&pfd, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -1;
        return rc > 0;
    }
}

void rconn_init(struct rconn *c)
{
    c->fd = -1;
    buf_init(&c->in);
}

void rconn_close(struct rconn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->in.len = 0;
}

int rconn_open(struct rconn *c, const char *host, int port, int timeout_ms,
               char *err, size_t errlen)
{
    char portstr[16];
    struct addrinfo hints, *res = NULL;
    rconn_close(c);
    snprintf(portstr, sizeof(portstr), "%d", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "%s: %s", host, gai_strerror(gai));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            if (wait_fd(fd, POLLOUT, now_ms() + timeout_ms) == 1) {
                int soerr = 0;
                socklen_t sl = sizeof(soerr);
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
                rc = soerr ? -1 : 0;
                errno = soerr ? soerr : ETIMEDOUT;
            } else {
                errno = ETIMEDOUT;
            }
        }
        if (rc == 0)
            break;
        snprintf(err, errlen, "connect %s:%d: %s", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->fd = fd;
    c->in.len = 0;
    return 0;
}

int rconn_send_raw(struct rconn *c, const char *p, size_t len)
{
    if (c->fd < 0)
        return -1;
    size_t off = 0;
    long long deadline = now_ms() + NET_WRITE_TIMEOUT_MS;
    while (off < len) {
        ssize_t n = send(c->fd, p + off, len - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (wait_fd(c->fd, POLLOUT, deadline) != 1)
                break;
        } else {
            break;
        }
    }
    if (off < len) {
        rconn_close(c);
        return -1;
    }
    return 0;
}

int rconn_send(struct rconn *c, int argc, char **argv, const size_t *lens)
{
    struct buf out;
    buf_init(&out);
    buf_printf(&out, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        buf_printf(&out, "$%zu\r\n", lens[i]);
        buf_add(&out, argv[i], lens[i]);
        buf_adds(&out, "\r\n");
    }
    int rc = rconn_send_raw(c, out.p, out.len);
    buf_free(&out);
    return rc;
}

/* Read whatever is available now.  1 got bytes, 0 nothing yet, -1 closed
 * or failed. */
static int read_some(struct rconn *c)
{
    int got = 0;
    for (;;) {
        buf_reserve(&c->in, NET_READ_CHUNK);
        ssize_t n = recv(c->fd, c->in.p + c->in.len, NET_READ_CHUNK, 0);
        if (n > 0) {
            c->in.len += (size_t)n;
            c->in.p[c->in.len] = '\0';
            got = 1;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return got;
        return got ? 1 : -1; /* EOF or error: report data first if any */
    }
}

/* Try to parse one reply from the buffered bytes. */
static int try_parse(struct rconn *c, struct reply **out)
{
    char err[160];
    size_t used = 0;
    err[0] = '\0';
    int rc = resp_parse(c->in.p ? c->in.p : "", c->in.len, &used, out, err, sizeof(err));
    if (rc == 1) {
        buf_consume(&c->in, used);
    } else if (rc < 0) {
        *out = reply_str(R_PROTOERR, err, strlen(err));
        rconn_close(c);
    }
    return rc;
}

struct reply *rconn_read(struct rconn *c, int timeout_ms)
{
    struct reply *r = NULL;
    long long deadline = now_ms() + timeout_ms;
    if (c->fd < 0)
        return reply_new(R_CLOSED);
    for (;;) {
        if (try_parse(c, &r) != 0)
            return r;
        int w = wait_fd(c->fd, POLLIN, deadline);
        if (w == 0) {
            rconn_close(c);
            return reply_new(R_TIMEOUT);
        }
        int rc = w < 0 ? -1 : read_some(c);
        if (rc < 0) {
            /* The peer may have sent a last reply (an error) and closed. */
            if (try_parse(c, &r) == 1)
                return r;
            reply_free(r);
            rconn_close(c);
            return reply_new(R_CLOSED);
        }
    }
}

struct reply *rconn_read_maybe(struct rconn *c, int wait_ms)
{
    struct reply *r = NULL;
    if (c->fd < 0)
        return reply_new(R_CLOSED);
    if (try_parse(c, &r) != 0)
        return r;
    int w = wait_fd(c->fd, POLLIN, now_ms() + wait_ms);
    if (w == 0)
        return reply_new(R_NOREPLY);
    /* Something arrived (or the peer closed): finish reading it. */
    return rconn_read(c, NET_WRITE_TIMEOUT_MS);
}
