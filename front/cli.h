/* cli.h - global options and the command table of the brig front-end.
 *
 * Every command is `int cmd_NAME(struct brig_global *g, int argc, char **argv)`:
 * argv[0] is the command name, options follow (parsed with getopt_long,
 * runc's spellings).  A command returns the process exit status; on
 * failure it prints "brig: ..." through brig_log_error() first.
 */
#ifndef BRIG_FRONT_CLI_H
#define BRIG_FRONT_CLI_H

#include <stdbool.h>

#include "lib/err.h"

enum brig_log_format { BRIG_LOG_TEXT, BRIG_LOG_JSON };

struct brig_global {
	const char *root;       /* --root: state directory (default /run/brig) */
	const char *log_path;   /* --log: file for log lines (default stderr) */
	enum brig_log_format log_format; /* --log-format */
	bool debug;             /* --debug */
	const char *helper_dir; /* --helper-dir or $BRIG_HELPER_DIR or built-in */
	bool systemd_cgroup;    /* --systemd-cgroup (accepted; issue 4) */
	const char *rootless;   /* --rootless true|false|auto */
	bool rootless_mode;     /* resolved (rootless.c): no host root */
	bool nested_userns;     /* brig itself runs in a non-initial user namespace */
	const char *handler;    /* --handler vm: every container created runs in a VM */
};

typedef int (*brig_cmd_fn)(struct brig_global *g, int argc, char **argv);

int cmd_create(struct brig_global *g, int argc, char **argv);
int cmd_start(struct brig_global *g, int argc, char **argv);
int cmd_run(struct brig_global *g, int argc, char **argv);
int cmd_exec(struct brig_global *g, int argc, char **argv);
int cmd_state(struct brig_global *g, int argc, char **argv);
int cmd_kill(struct brig_global *g, int argc, char **argv);
int cmd_delete(struct brig_global *g, int argc, char **argv);
int cmd_list(struct brig_global *g, int argc, char **argv);
int cmd_spec(struct brig_global *g, int argc, char **argv);
int cmd_features(struct brig_global *g, int argc, char **argv);
int cmd_update(struct brig_global *g, int argc, char **argv);
int cmd_pause(struct brig_global *g, int argc, char **argv);
int cmd_resume(struct brig_global *g, int argc, char **argv);
int cmd_events(struct brig_global *g, int argc, char **argv);
int cmd_ps(struct brig_global *g, int argc, char **argv);
int cmd_policy(struct brig_global *g, int argc, char **argv);

/* Logging (front/log.c): text "brig: msg" on stderr, or to --log in the
 * chosen format ({"level":"error","msg":"...","time":"..."} for json). */
void brig_log_setup(struct brig_global *g);
void brig_log_error(const struct brig_err *err);
void brig_log_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void brig_log_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void brig_log_debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
