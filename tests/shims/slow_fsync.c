/* slow_fsync.c -- an LD_PRELOAD shim that makes fdatasync() and fsync()
 * slow while a flag file exists, for the AOF's "fsync lags" test.
 *
 *   RUNNEL_SLOW_FSYNC_FLAG=/path/flag RUNNEL_SLOW_FSYNC_MS=3000
 *
 * While /path/flag exists every fdatasync/fsync sleeps that long first,
 * as a saturated disk would make it; otherwise the calls go straight to
 * libc.  Built as a plain shared object (never with sanitizers). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void maybe_stall(void)
{
    const char *flag = getenv("RUNNEL_SLOW_FSYNC_FLAG");
    const char *ms = getenv("RUNNEL_SLOW_FSYNC_MS");
    if (!flag || !ms || access(flag, F_OK) != 0)
        return;
    long n = strtol(ms, NULL, 10);
    struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

int fdatasync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    maybe_stall();
    return real(fd);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    maybe_stall();
    return real(fd);
}
