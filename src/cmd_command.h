/* cmd_command.h -- the COMMAND family: COMMAND, COUNT, INFO, DOCS, LIST,
 * GETKEYS, GETKEYSANDFLAGS, HELP (handlers named as in commands.def).
 *
 * Plain COMMAND (no subcommand) is cmd_command: the "command" row of
 * commands.def carries it as the container's handler, and the dispatcher
 * runs a container's handler when the request has no subcommand word. */
#ifndef RUNNEL_CMD_COMMAND_H
#define RUNNEL_CMD_COMMAND_H

struct conn;

void cmd_command(struct conn *c);
void cmd_command_count(struct conn *c);
void cmd_command_info(struct conn *c);
void cmd_command_docs(struct conn *c);
void cmd_command_list(struct conn *c);
void cmd_command_getkeys(struct conn *c);
void cmd_command_getkeysandflags(struct conn *c);
void cmd_command_help(struct conn *c);

#endif
