/* wire.h - the message format spoken between brig and its helpers.
 *
 * One message per SOCK_SEQPACKET datagram: a fixed header followed by a
 * payload of typed fields, written by codec.c.  All integers are fixed
 * width; nothing of size_t travels.  Fds travel by SCM_RIGHTS and their
 * number is declared in the header, so a receiver can tell an attacker's
 * extra or missing fds from the ones it expects.
 */
#ifndef BRIG_IPC_WIRE_H
#define BRIG_IPC_WIRE_H

#include <stdint.h>

#define IPC_MAGIC 0x42524947u /* "BRIG" */
#define IPC_VERSION 1u
#define IPC_HDR_SIZE 20u
#define IPC_MAX_MSG (64u * 1024u) /* header + payload */
#define IPC_MAX_PAYLOAD (IPC_MAX_MSG - IPC_HDR_SIZE)
#define IPC_MAX_FDS 16u
#define IPC_STR_MAX 4096u  /* longest string field (PATH_MAX) */
#define IPC_LIST_MAX 1024u /* longest list field */

/* Helpers receive their end of the socketpair as this fd. */
#define IPC_HELPER_FD 3

/* Message types: one table for every helper.  A helper accepts only the
 * types its own dispatch table lists; anything else ends the session. */
enum ipc_type {
	IPC_REPLY = 1,        /* i32 errno, str message; fds as the request defines */
	IPC_MOUNT_PLAN = 10,  /* struct mount_plan; fds: [pidfd of the container init] */
	IPC_MOUNT_PIVOT = 11, /* empty; finish a plan stopped before pivot_root */
	IPC_CGROUP_CREATE = 20, /* ipc/cgroupmsg.h; fds: [pidfd of the container init] */
	IPC_CGROUP_UPDATE = 21, /* target + resources */
	IPC_CGROUP_FREEZE = 22, /* target; replies once frozen */
	IPC_CGROUP_THAW = 23,   /* target */
	IPC_CGROUP_STATS = 24,  /* target; reply fds: [memfd with struct cg_stats] */
	IPC_CGROUP_PIDS = 25,   /* target; reply fds: [memfd with struct cg_pids_reply] */
	IPC_CGROUP_KILL = 26,   /* target + signal */
	IPC_CGROUP_DELETE = 27, /* target with created_depth */
	IPC_CGROUP_PREPARE = 28, /* as CREATE, before the init exists; root callers only;
				  * reply fds: [memfd, v2 dir?, v1 tasks files...] */
	IPC_CGROUP_ENTER = 29,   /* target; the fds of PREPARE's reply for an existing
				  * cgroup (brig exec); root callers only */
	IPC_SECCOMP_COMPILE = 40, /* ipc/seccompmsg.h; reply fds: [memfd with the BPF program] */
	IPC_NET_SETUP = 50,   /* ipc/netmsg.h; fds: [the container's netns];
			       * reply fds: [memfd with struct net_made] */
	IPC_NET_RETURN = 51,  /* netDevices back to the host; fds: [the container's netns] */
	IPC_NET_RELEASE = 52, /* remove the host end of the veth; no fds */
	IPC_VM_START = 60, /* ipc/vmmsg.h; fds: [rootfs O_PATH dir, stdout, stderr];
			    * reply fds: [pidfd of qemu] */
	IPC_VM_WAIT = 61,  /* u32 timeout ms; reply fds: [memfd with the exit status] */
	IPC_VM_STOP = 62,  /* empty; kill qemu and reap it */
	IPC_VM_KILL = 63,  /* u32 signal, forwarded to the guest's process */
	IPC_VM_CREATE = 64, /* ipc/vmmsg.h; fds: [rootfs, stdout, stderr, release];
			      reply fds: [pidfd of qemu]; then brig-vm is the monitor */
};

struct ipc_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t request_id;
	uint32_t payload_len;
	uint32_t nfds;
};

#endif
