/* proc.h - facts about processes, read so that a reused pid is never
 * mistaken for the container's init. */
#ifndef BRIG_FRONT_PROC_H
#define BRIG_FRONT_PROC_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

/* Start time of PID (clock ticks since boot, /proc/PID/stat field 22), or
 * 0 if the process does not exist. */
uint64_t proc_start_time(pid_t pid);

/* The same, and the state letter of field 3 into *STATE ('R', 'S',
 * 'Z' for a zombie, ...) when STATE is not NULL: one read of the file. */
uint64_t proc_stat(pid_t pid, char *state);

/* A pidfd for PID if it is still the process that started at START_TIME,
 * else -1 (the process is gone or the pid was reused). */
int proc_pidfd_checked(pid_t pid, uint64_t start_time);

/* Wait until the process behind PIDFD has exited (poll on the pidfd);
 * TIMEOUT_MS < 0 waits forever.  Returns 0 when it exited, -1 on timeout. */
int proc_wait_exit(int pidfd, int timeout_ms);

/* The CLONE_NEW* flags of the namespaces in which PID differs from us:
 * what a setns(pidfd, flags) must join to stand where PID stands. */
int proc_ns_flags_differing(pid_t pid);

/* Signal names: "TERM", "SIGTERM" or "15" -> 15; -1 if unknown. */
int proc_signal_parse(const char *s);

/* Block every signal but the synchronous faults (ALL gets that set, SAVED
 * the old mask): the foreground loops read them from a signalfd and
 * forward them; a child restores SAVED before its exec. */
void proc_block_signals(sigset_t *all, sigset_t *saved);

/* The shell's view of a wait status: the exit code, or 128+N when killed
 * by signal N (as runc reports it). */
int proc_exit_code(int status);

/* Forward every signal of MASK (blocked by the caller) but SIGCHLD to
 * the process behind PIDFD until it exits; reap PID and return its wait
 * status. */
int proc_forward_and_wait(pid_t pid, int pidfd, const sigset_t *mask);

/* --pid-file: PID written to PATH atomically (temporary file, rename), as
 * runc does, so a reader never sees a partial number. */
int proc_write_pid_file(const char *path, pid_t pid, struct brig_err *err);

#endif
