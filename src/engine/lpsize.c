/* lpsize.c -- Redis listpack element sizes; see lpsize.h. */
#include "lpsize.h"

bool lpsize_parse_int(const char *p, size_t len, int64_t *v)
{
    if (len == 0 || len > 20)
        return false;
    if (len == 1 && p[0] == '0') {
        *v = 0;
        return true;
    }
    size_t i = 0;
    bool neg = p[0] == '-';
    if (neg && len == 1)
        return false;
    i = neg ? 1 : 0;
    if (p[i] < '1' || p[i] > '9')
        return false;
    uint64_t u = 0;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        uint64_t d = (uint64_t)(p[i] - '0');
        if (u > (UINT64_MAX - d) / 10)
            return false;
        u = u * 10 + d;
    }
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1)
            return false;
        *v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX)
            return false;
        *v = (int64_t)u;
    }
    return true;
}

size_t lpsize_backlen(uint64_t l)
{
    if (l <= 127)
        return 1;
    if (l < 16383)
        return 2;
    if (l < 2097151)
        return 3;
    if (l < 268435455)
        return 4;
    return 5;
}

size_t lpsize_int(int64_t v)
{
    /* 7-bit unsigned, 13-bit, 16, 24, 32 and 64-bit signed forms; each
     * encoding is under 128 bytes, so its back-length is one byte. */
    if (v >= 0 && v <= 127)
        return 2;
    if (v >= -4096 && v <= 4095)
        return 3;
    if (v >= -32768 && v <= 32767)
        return 4;
    if (v >= -8388608 && v <= 8388607)
        return 5;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return 6;
    return 10;
}

size_t lpsize_raw_str(size_t len)
{
    /* 6-bit, 12-bit and 32-bit length headers. */
    size_t l = len + (len < 64 ? 1 : len < 4096 ? 2 : 5);
    return l + lpsize_backlen(l);
}

size_t lpsize_str(const char *p, size_t len)
{
    int64_t v;
    if (len && ((p[0] >= '0' && p[0] <= '9') || p[0] == '-') && lpsize_parse_int(p, len, &v))
        return lpsize_int(v);
    return lpsize_raw_str(len);
}
