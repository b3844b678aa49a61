/* user.c - brig-net acting for an unprivileged user (a privileged
 * install: setuid root or file capabilities), as lxc-user-nic does.
 *
 * Privilege: as main.c's; used for a user only as the policy's net.veth
 * rule for that user allows.  The user is who the kernel says is at the
 * other end of the socket (SO_PEERCRED, SO_PEERGROUPS), never what a
 * message says.  For such a caller:
 *
 *   - only a veth, never linux.netDevices (host devices are root's);
 *   - the bridge must be the rule's bridge=; at most max= veths at once;
 *   - the target netns must be owned (through its owning user namespace)
 *     by the caller;
 *   - the host end's name comes from the caller's uid and the container
 *     id (net_host_ifname): a request cannot name another user's veth.
 *
 * The quota: one root-owned file of records per host netns,
 * /run/brig-net/<host netns inode>.veths, a line per veth ("uid
 * container-netns-inode ifindex ifname"), read and rewritten under a
 * flock of <inode>.lock, so that concurrent creates cannot go past max=.
 * A record whose link is gone (its container exited: the pair died with
 * its netns) is pruned when the file is next read.
 */
#include "helpers/net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "ipc/peer.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/xalloc.h"

#ifndef BRIG_POLICY_PATH
#define BRIG_POLICY_PATH POLICY_PATH
#endif
#define RUN_DIR "/run/brig-net"
#define MAX_RECORDS 4096

struct record {
	uint32_t uid;
	uint64_t ctr_ino;
	int ifindex;
	char ifname[NETMSG_IFNAMSIZ];
};

static struct record records[MAX_RECORDS];
static unsigned n_records;

int
net_user_init(struct net_user *u, bool privileged, struct brig_err *err)
{
	struct stat st;

	memset(u, 0, sizeof(*u));
	u->lockfd = -1;
	if (ipc_peer_subject(IPC_HELPER_FD, &u->who, err) < 0)
		return -1;
	u->active = privileged && u->who.uid != 0;
	if (u->active && policy_subject_add_account_groups(&u->who, NULL, NULL, err) < 0)
		return -1;
	if (stat("/proc/self/ns/net", &st) < 0)
		return brig_err_set(err, errno, "our network namespace");
	u->hostns_ino = (uint64_t) st.st_ino;
	return 0;
}

void
net_user_free(struct net_user *u)
{
	net_user_unlock(u);
	ipc_peer_subject_free(&u->who);
	free(u->bridge);
	u->bridge = NULL;
}

/* The policy is read afresh for every request. */
static int
decide(struct net_user *u, struct brig_err *err)
{
	struct policy p;
	struct policy_decision d;
	const char *bridge, *max;
	int ret = 0;

	memset(&p, 0, sizeof(p));
	if (policy_load(BRIG_POLICY_PATH, NULL, NULL, &p, err) < 0)
		return brig_err_wrap(err, "veth for uid %u: refused", (unsigned) u->who.uid);
	policy_decide(&p, &u->who, POLICY_NET_VETH, &d);
	if (!d.allow || d.rule == NULL) {
		ret = d.rule ? brig_err_set(err, EPERM, "veth for uid %u: denied by %s line %u",
					    (unsigned) u->who.uid, BRIG_POLICY_PATH, d.rule->line)
			     : brig_err_set(err, EPERM,
					    "veth for uid %u: no " POLICY_NET_VETH " line in %s "
					    "allows it",
					    (unsigned) u->who.uid, BRIG_POLICY_PATH);
		goto out;
	}
	bridge = policy_limit(d.rule, "bridge");
	max = policy_limit(d.rule, "max");
	if (bridge == NULL || max == NULL || policy_parse_count(max, &u->max) < 0) {
		ret = brig_err_set(err, EPERM, "policy line %u: net.veth needs bridge= and max=",
				   d.rule->line);
		goto out;
	}
	free(u->bridge);
	u->bridge = xstrdup(bridge);
out:
	policy_free(&p);
	return ret;
}

int
net_user_allow(struct net_user *u, const struct net_request *req, struct brig_err *err)
{
	if (!u->active)
		return 0;
	if (req->n_devices > 0)
		return brig_err_set(err, EPERM, "linux.netDevices: only for root");
	if (!req->has_veth)
		return 0;
	if (decide(u, err) < 0)
		return -1;
	if (strcmp(u->bridge, req->veth.bridge) != 0)
		return brig_err_set(err, EPERM, "bridge %s: not allowed by the policy (bridge=%s)",
				    req->veth.bridge, u->bridge);
	return 0;
}

int
net_check_netns(const struct net_user *u, int nsfd, int hostns, uint64_t *ino,
		struct brig_err *err)
{
	struct statfs sfs;
	struct stat st, host;
	cleanup_close int userns = -1;
	uid_t owner;

	if (fstatfs(nsfd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC ||
	    ioctl(nsfd, NS_GET_NSTYPE) != CLONE_NEWNET)
		return brig_err_set(err, EINVAL, "the fd is not a network namespace");
	if (fstat(nsfd, &st) < 0 || fstat(hostns, &host) < 0)
		return brig_err_set(err, errno, "network namespace");
	if (st.st_ino == host.st_ino && st.st_dev == host.st_dev)
		return brig_err_set(err, EINVAL, "the container's network namespace is the host's");
	*ino = (uint64_t) st.st_ino;
	if (!u->active)
		return 0;
	/* Whoever owns the netns's user namespace is root over it: only
	 * then is the netns the caller's to configure. */
	userns = ioctl(nsfd, NS_GET_USERNS);
	if (userns < 0 || ioctl(userns, NS_GET_OWNER_UID, &owner) < 0 || owner != u->who.uid)
		return brig_err_set(err, EPERM, "the network namespace is not the caller's");
	return 0;
}

/* ---- the quota records ---- */

static int
open_at_run(const char *suffix, int flags, struct net_user *u)
{
	char path[128];

	snprintf(path, sizeof(path), RUN_DIR "/%" PRIu64 "%s", u->hostns_ino, suffix);
	return open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static void
records_load(struct net_user *u, struct nl_sock *host)
{
	cleanup_fclose FILE *f = NULL;
	char line[256];
	int fd = open_at_run(".veths", O_RDONLY, u);

	n_records = 0;
	if (fd < 0 || (f = fdopen(fd, "r")) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL && n_records < MAX_RECORDS) {
		struct record *r = &records[n_records];
		char name[64];
		unsigned long uid;
		if (sscanf(line, "%lu %" SCNu64 " %d %63s", &uid, &r->ctr_ino, &r->ifindex,
			   name) != 4 ||
		    strlen(name) >= NETMSG_IFNAMSIZ)
			continue;
		strcpy(r->ifname, name);
		r->uid = (uint32_t) uid;
		/* Gone with its container's netns: free the slot. */
		if (!net_link_alive(host, r->ifindex, r->ifname))
			continue;
		n_records++;
	}
}

static int
records_save(struct net_user *u, struct brig_err *err)
{
	char tmp[160], path[128];
	cleanup_fclose FILE *f = NULL;
	int fd;

	snprintf(path, sizeof(path), RUN_DIR "/%" PRIu64 ".veths", u->hostns_ino);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return brig_err_set(err, errno, "%s", tmp);
	}
	for (unsigned i = 0; i < n_records; i++)
		fprintf(f, "%u %" PRIu64 " %d %s\n", (unsigned) records[i].uid, records[i].ctr_ino,
			records[i].ifindex, records[i].ifname);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0 || rename(tmp, path) < 0)
		return brig_err_set(err, errno, "%s", path);
	return 0;
}

/* A caller can stop its own helper while it holds the lock: the wait is
 * bounded. */
int
net_user_lock(struct net_user *u, struct nl_sock *host, struct brig_err *err)
{
	struct stat st;

	if (!u->active)
		return 0;
	if (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST)
		return brig_err_set(err, errno, RUN_DIR);
	if (lstat(RUN_DIR, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022))
		return brig_err_set(err, EPERM, RUN_DIR ": not a root-owned directory");
	u->lockfd = open_at_run(".lock", O_RDWR | O_CREAT, u);
	if (u->lockfd < 0)
		return brig_err_set(err, errno, RUN_DIR ": lock");
	for (int i = 0; i < 500; i++) {
		if (flock(u->lockfd, LOCK_EX | LOCK_NB) == 0) {
			records_load(u, host);
			return 0;
		}
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	net_user_unlock(u);
	return brig_err_set(err, EAGAIN, "veth: another request holds the lock");
}

void
net_user_unlock(struct net_user *u)
{
	if (u->lockfd >= 0)
		close(u->lockfd);
	u->lockfd = -1;
}

static unsigned
count_of(uint32_t uid)
{
	unsigned n = 0;

	for (unsigned i = 0; i < n_records; i++)
		n += records[i].uid == uid;
	return n;
}

int
net_user_record(struct net_user *u, uint64_t ctr_ino, int ifindex, const char *ifname,
		struct brig_err *err)
{
	struct record *r;

	if (!u->active)
		return 0;
	if (n_records >= MAX_RECORDS)
		return brig_err_set(err, EDQUOT, "veth: too many veths on this host");
	r = &records[n_records++];
	r->uid = u->who.uid;
	r->ctr_ino = ctr_ino;
	r->ifindex = ifindex;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	return records_save(u, err);
}

int
net_user_quota(struct net_user *u, struct brig_err *err)
{
	if (!u->active)
		return 0;
	if (count_of(u->who.uid) >= u->max)
		return brig_err_set(err, EDQUOT, "veth: the policy's max=%" PRIu64 " reached",
				    u->max);
	return 0;
}

bool
net_user_owns(struct net_user *u, const char *ifname, bool forget)
{
	struct brig_err ignored;

	for (unsigned i = 0; i < n_records; i++) {
		if (records[i].uid != u->who.uid || strcmp(records[i].ifname, ifname) != 0)
			continue;
		if (forget) {
			records[i] = records[--n_records];
			records_save(u, &ignored);
		}
		return true;
	}
	return false;
}
