/* client_pause.h -- CLIENT PAUSE / UNPAUSE (Redis 7.0's pauseClients). */
#ifndef RUNNEL_CLIENT_PAUSE_H
#define RUNNEL_CLIENT_PAUSE_H

struct server;
struct conn;
struct command;

/* 1 if c's request for cmd must wait for the pause to end: every command
 * in ALL mode, in WRITE mode those that write or may replicate (and an
 * EXEC whose queue holds one).  The client is marked postponed; the
 * caller leaves its request in the parser. */
int client_pause_postpones(struct conn *c, const struct command *cmd);
/* 1 while a pause (WRITE or ALL) lasts: keys are not expired then, as
 * Redis 7.0 (a read sees an expired key as missing, nothing is deleted). */
int client_pause_active(struct server *srv);
/* Clear c's postponed mark: before its request runs again, or when c goes. */
void client_pause_release(struct conn *c);
/* Ends a pause whose time is up and wakes the postponed clients
 * (server cron and each check). */
void client_pause_cron(struct server *srv);

#endif
