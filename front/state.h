/* state.h - the per-container state directory under the state root.
 *
 * <root>/<id>/state.json   written atomically (temp, fsync, rename)
 * <root>/<id>/exec.fifo    exists between create and start
 * <root>/<id>/config.json  a copy, kept only when start/delete need hooks
 * The directory itself is flock()ed for every operation on the id, so two
 * commands on one container never interleave.
 */
#ifndef BRIG_FRONT_STATE_H
#define BRIG_FRONT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "front/config.h"
#include "lib/err.h"

enum ctr_status { CTR_CREATING, CTR_CREATED, CTR_RUNNING, CTR_STOPPED, CTR_PAUSED };

struct ctr_state {
	char *id;
	pid_t pid;
	uint64_t start_time; /* /proc/PID/stat field 22: tells a reused pid apart */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	uid_t owner;
	struct cfg_kv *annotations;
	size_t n_annotations;
	bool has_hooks; /* a config copy with poststart/poststop hooks is kept */
	bool has_cgroup;      /* brig-cgroup made or joined a cgroup for it */
	char *cgroups_path;   /* linux.cgroupsPath as sent to brig-cgroup, or NULL */
	uint32_t cgroup_depth; /* path components brig-cgroup created (to remove) */
	bool paused;          /* frozen by `pause` */
	char *net_veth;       /* brig-net: the host end of the container's veth, or NULL */
	struct cfg_kv *net_devices; /* brig-net: netDevices moved in, host name = container name */
	size_t n_net_devices;
	pid_t vm_pid;           /* the VM handler: qemu's pid (the monitor's is pid) */
	enum ctr_status status; /* computed by state_refresh(), not stored */
};

/* Validate a container id as runc does: [A-Za-z0-9_+.-], not "." or "..". */
int state_check_id(const char *id, struct brig_err *err);

/* Open (creating if needed, mode 0700) the state root directory. */
int state_root_open(const char *root, bool create, struct brig_err *err);

/* Create <root>/<id> and lock it.  Fails with "container \"ID\" already
 * exists" if it is there.  Returns the directory fd. */
int state_dir_create(int rootfd, const char *id, struct brig_err *err);

/* Open and lock <root>/<id>; "container \"ID\" does not exist" if absent. */
int state_dir_open(int rootfd, const char *id, struct brig_err *err);

/* Remove every file of the state directory and the directory itself. */
void state_dir_remove(int rootfd, int dirfd, const char *id);

int state_write(int dirfd, const struct ctr_state *st, struct brig_err *err);
int state_read(int dirfd, const char *id, struct ctr_state *st, struct brig_err *err);
void state_free(struct ctr_state *st);

/* Work out the status: dead or reused pid -> stopped; exec.fifo present
 * -> created; else running. */
void state_refresh(int dirfd, struct ctr_state *st);
const char *state_status_name(enum ctr_status s);

/* Print the runtime-spec state JSON of ST to stdout (also used by hooks). */
char *state_to_json(const struct ctr_state *st, const char *status, bool pretty);

#endif
