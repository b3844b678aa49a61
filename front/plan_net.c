/* plan_net.c - brig-net's part of create and delete (plan_net.h).
 *
 * The common path pays nothing: without netDevices or the veth
 * annotations brig-net is never started.  The container's network
 * namespace goes to brig-net as an nsfs fd (the init's
 * /proc/PID/ns/net, opened while its pidfd says it lives), which the
 * helper checks itself.
 */
#include "front/plan_net.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "front/proc.h"
#include "ipc/cgroupmsg.h"
#include "ipc/io.h"
#include "ipc/netmsg.h"
#include "ipc/spawn.h"
#include "ipc/wire.h"
#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#define HELPER "brig-net"

bool
plan_net_wanted(const struct config *cfg)
{
	return cfg->linux.n_net_devices > 0 || config_annotation(cfg, NET_ANN_BRIDGE) != NULL ||
	       config_annotation(cfg, NET_ANN_ADDRESS) != NULL ||
	       config_annotation(cfg, NET_ANN_GATEWAY) != NULL;
}

int
plan_net_check(const struct config *cfg, struct brig_err *err)
{
	const char *bridge = config_annotation(cfg, NET_ANN_BRIDGE);
	const char *addr = config_annotation(cfg, NET_ANN_ADDRESS);
	const char *gw = config_annotation(cfg, NET_ANN_GATEWAY);
	uint8_t a[16];
	int family;
	unsigned prefix;

	if ((addr != NULL || gw != NULL) && bridge == NULL)
		return brig_err_set(err, 0, "config.json: annotations: %s and %s need %s",
				    NET_ANN_ADDRESS, NET_ANN_GATEWAY, NET_ANN_BRIDGE);
	if (bridge != NULL && !net_ifname_ok(bridge))
		return brig_err_set(err, 0, "config.json: annotations: %s: \"%s\": not an "
					    "interface name (1-15 bytes, no '/', ':' or space)",
				    NET_ANN_BRIDGE, bridge);
	if (addr != NULL && net_parse_cidr(addr, &family, a, &prefix) < 0)
		return brig_err_set(err, 0, "config.json: annotations: %s: \"%s\": not "
					    "ADDRESS/PREFIX",
				    NET_ANN_ADDRESS, addr);
	if (gw != NULL && addr == NULL)
		return brig_err_set(err, 0, "config.json: annotations: %s needs %s",
				    NET_ANN_GATEWAY, NET_ANN_ADDRESS);
	if (gw != NULL && net_check_gateway(addr, gw, err) < 0)
		return brig_err_wrap(err, "config.json: annotations: %s", NET_ANN_GATEWAY);
	if (bridge != NULL || cfg->linux.n_net_devices > 0) {
		if (config_namespace(cfg, CFG_NS_NETWORK) == NULL)
			return brig_err_set(err, 0, "config.json: %s: needs a network namespace "
						    "(linux.namespaces)",
					    bridge ? "annotations: " NET_ANN_BRIDGE
						   : "linux.netDevices");
	}
	return 0;
}

/* A setuid or file-capability brig-net serves unprivileged users. */
static bool
helper_privileged(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t) snprintf(path, sizeof(path), "%s/" HELPER, dir) >= sizeof(path) ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if ((st.st_mode & S_ISUID) && st.st_uid == 0)
		return true;
	return getxattr(path, "security.capability", NULL, 0) > 0;
}

/* The init's netns; PIDFD must still say it lives once it is open, so
 * that a reused pid is never taken for it. */
static int
open_netns(pid_t pid, int pidfd, struct brig_err *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int) pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return brig_err_set(err, errno, "open the container's network namespace");
	if (sys_pidfd_send_signal(pidfd, 0, 0) < 0) {
		close(fd);
		return brig_err_set(err, ESRCH, "the container init exited");
	}
	return fd;
}

static void
request_for(const struct config *cfg, const char *id, struct net_request *req)
{
	memset(req, 0, sizeof(*req));
	req->id = (char *) id;
	req->n_devices = (uint32_t) cfg->linux.n_net_devices;
	req->devices = xcalloc(req->n_devices + 1, sizeof(*req->devices));
	for (uint32_t i = 0; i < req->n_devices; i++) {
		const struct cfg_net_device *d = &cfg->linux.net_devices[i];
		req->devices[i].host_name = d->host_name;
		req->devices[i].name = d->name ? d->name : d->host_name;
	}
	req->veth.bridge = (char *) config_annotation(cfg, NET_ANN_BRIDGE);
	req->has_veth = req->veth.bridge != NULL;
	req->veth.peer_name = "eth0";
	req->veth.address = (char *) config_annotation(cfg, NET_ANN_ADDRESS);
	req->veth.gateway = (char *) config_annotation(cfg, NET_ANN_GATEWAY);
}

/* One request to a brig-net of its own; REPLY_FD gets SETUP's memfd. */
static int
call(const char *dir, uint16_t type, const struct net_request *req, int nsfd, int *reply_fd,
     struct brig_err *err)
{
	struct ipc_helper h = { .sock = -1, .pid = -1 };
	struct ipc_writer w;
	int ret;

	ipc_writer_init(&w);
	netmsg_encode(&w, type, req);
	if (w.failed) {
		ipc_writer_free(&w);
		return brig_err_set(err, EMSGSIZE, "linux.netDevices: too many for one request");
	}
	ret = ipc_helper_spawn(&h, dir, HELPER, err);
	if (ret == 0)
		ret = ipc_call(h.sock, HELPER, type, w.buf, w.len, &nsfd, nsfd >= 0 ? 1 : 0,
			       reply_fd, reply_fd ? 1 : 0, err);
	ipc_writer_free(&w);
	if (h.pid > 0)
		ipc_helper_finish(&h);
	return ret;
}

static int
read_made(int fd, struct net_made *m, struct brig_err *err)
{
	cleanup_free uint8_t *buf = NULL;
	struct ipc_reader r;
	uint32_t len;

	memset(m, 0, sizeof(*m));
	if (cgmsg_read_reply(fd, &buf, &len, err) < 0)
		return -1;
	ipc_reader_init(&r, buf, len);
	return netmsg_decode_made(&r, m, err);
}

static void
record(struct container *c, const struct net_request *req, struct net_made *m)
{
	c->st.net_veth = m->host_ifname;
	m->host_ifname = NULL;
	if (req->n_devices == 0)
		return;
	c->st.net_devices = xcalloc(req->n_devices, sizeof(*c->st.net_devices));
	for (uint32_t i = 0; i < req->n_devices; i++) {
		c->st.net_devices[i].key = xstrdup(req->devices[i].host_name);
		c->st.net_devices[i].value = xstrdup(req->devices[i].name);
	}
	c->st.n_net_devices = req->n_devices;
}

int
ctr_net_setup(struct container *c, struct brig_err *err)
{
	struct net_request req;
	struct net_made m;
	cleanup_close int nsfd = -1, fd = -1;
	int ret;

	if (!plan_net_wanted(c->cfg))
		return 0;
	if (plan_net_check(c->cfg, err) < 0)
		return -1;
	if (geteuid() != 0 && c->cfg->linux.n_net_devices > 0)
		return brig_err_set(err, EPERM, "config.json: linux.netDevices: needs root");
	if (geteuid() != 0 && !helper_privileged(c->g->helper_dir))
		return brig_err_set(err, EPERM, "config.json: annotations: " NET_ANN_BRIDGE
						": needs root, or " HELPER " installed setuid or "
						"with file capabilities and a net.veth policy line");
	nsfd = open_netns(c->pid, c->pidfd, err);
	if (nsfd < 0)
		return -1;
	request_for(c->cfg, c->opts->id, &req);
	ret = call(c->g->helper_dir, IPC_NET_SETUP, &req, nsfd, &fd, err);
	if (ret == 0)
		ret = read_made(fd, &m, err);
	if (ret == 0) {
		record(c, &req, &m);
		netmsg_made_free(&m);
	}
	free(req.devices);
	return ret;
}

/* RETURN needs the container's netns, so the init must still live. */
static void
return_devices(struct brig_global *g, const struct ctr_state *st, pid_t pid, int pidfd)
{
	struct net_request req = { .id = st->id };
	struct brig_err err;
	cleanup_close int nsfd = -1;

	if (st->n_net_devices == 0 || pidfd < 0)
		return;
	nsfd = open_netns(pid, pidfd, &err);
	if (nsfd < 0)
		return; /* gone: the kernel returned (physical) or destroyed them */
	req.n_devices = (uint32_t) st->n_net_devices;
	req.devices = xcalloc(req.n_devices, sizeof(*req.devices));
	for (uint32_t i = 0; i < req.n_devices; i++) {
		req.devices[i].host_name = st->net_devices[i].key;
		req.devices[i].name = st->net_devices[i].value;
	}
	if (call(g->helper_dir, IPC_NET_RETURN, &req, nsfd, NULL, &err) < 0)
		brig_log_warnf("linux.netDevices: %s", err.msg);
	free(req.devices);
}

static void
release_veth(struct brig_global *g, const char *id)
{
	struct net_request req = { .id = (char *) id };
	struct brig_err err;

	if (call(g->helper_dir, IPC_NET_RELEASE, &req, -1, NULL, &err) < 0)
		brig_log_warnf("veth: %s", err.msg);
}

void
ctr_net_abort(struct container *c)
{
	if (c->st.n_net_devices > 0 && c->pidfd >= 0)
		return_devices(c->g, &c->st, c->pid, c->pidfd);
	if (c->st.net_veth != NULL)
		release_veth(c->g, c->opts->id);
}

void
ctr_net_return(struct brig_global *g, struct ctr_state *st)
{
	int pidfd;

	if (st->n_net_devices == 0)
		return;
	pidfd = proc_pidfd_checked(st->pid, st->start_time);
	return_devices(g, st, st->pid, pidfd);
	if (pidfd >= 0)
		close(pidfd);
	/* Once is enough: ctr_destroy may come after. */
	for (size_t i = 0; i < st->n_net_devices; i++) {
		free(st->net_devices[i].key);
		free(st->net_devices[i].value);
	}
	free(st->net_devices);
	st->net_devices = NULL;
	st->n_net_devices = 0;
}

void
ctr_net_release(struct brig_global *g, struct ctr_state *st)
{
	ctr_net_return(g, st);
	if (st->net_veth == NULL)
		return;
	release_veth(g, st->id);
	free(st->net_veth);
	st->net_veth = NULL;
}
