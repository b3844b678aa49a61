/* tty.h - process.terminal: a pty made inside the container, its master
 * handed to the --console-socket or relayed by brig in the foreground.
 *
 * As runc and crun do it: the pty is opened from the container's own
 * /dev/ptmx (its devpts), by the container's process, after the root is
 * the container's; the slave becomes the process's controlling terminal
 * and stdio; the master goes to the front over the sync socket.
 */
#ifndef BRIG_FRONT_TTY_H
#define BRIG_FRONT_TTY_H

#include <signal.h>
#include <sys/types.h>

#include "front/config.h"
#include "lib/err.h"

/* In the container's process: open a pty from /dev/ptmx, make the slave
 * the controlling terminal (new session) and fds 0-2, owned by the
 * process's user, with process.consoleSize.  Returns the master. */
int tty_setup_in_container(const struct cfg_process *p, struct brig_err *err);

/* tty_setup_in_container, then the master to the front over the sync
 * socket SOCK (SYNC_CONSOLE) and closed here. */
int tty_pass_to_front(const struct cfg_process *p, int sock, struct brig_err *err);

/* Send MASTER to the unix socket PATH as runc does: one message whose
 * data is the name "/dev/ptmx" and whose SCM_RIGHTS carries the fd. */
int tty_send_console(const char *path, int master, struct brig_err *err);

/* Foreground: relay our stdin to MASTER and MASTER to our stdout (stdin
 * in raw mode when it is a terminal, its window size followed), forward
 * the signals of MASK (blocked by the caller) to the process behind
 * PIDFD, until it exits.  Reaps PID; returns its wait status. */
int tty_relay(int master, pid_t pid, int pidfd, const sigset_t *mask);

#endif
