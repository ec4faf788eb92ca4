/* version.h -- what Runnel says it is.
 *
 * Clients see the Redis version whose behaviour Runnel reproduces (HELLO,
 * INFO's redis_version); INFO also carries runnel_version. */
#ifndef RUNNEL_VERSION_H
#define RUNNEL_VERSION_H

#define RUNNEL_VERSION "0.1.0"
#define RUNNEL_REDIS_VERSION "7.4.0"

#endif
