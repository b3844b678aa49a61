/* layout.c - the host's cgroup hierarchies and the container's place in them.
 *
 * Hierarchies come from /proc/self/mountinfo: every cgroup (v1) mount
 * directly under /sys/fs/cgroup, and the cgroup2 mount, either
 * /sys/fs/cgroup itself (pure v2) or a subdirectory of it (hybrid: here
 * /sys/fs/cgroup/unified).  The container's path is walked one component
 * at a time with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS), so neither ".." nor a symlink can take a write
 * outside the hierarchy, and no path string is ever joined.
 */
#include "helpers/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/sys.h"
#include "lib/xalloc.h"

#define CG_BASE "/sys/fs/cgroup"
#define CG_RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

static const struct {
	const char *name;
	uint32_t bit;
} cg_names[] = {
    {"cpu", CG_CPU},          {"cpuacct", CG_CPUACCT},
    {"cpuset", CG_CPUSET},    {"memory", CG_MEMORY},
    {"devices", CG_DEVICES},  {"freezer", CG_FREEZER},
    {"blkio", CG_BLKIO},      {"io", CG_BLKIO},
    {"pids", CG_PIDS},        {"hugetlb", CG_HUGETLB},
    {"net_cls", CG_NET_CLS},  {"net_prio", CG_NET_PRIO},
    {"rdma", CG_RDMA},        {"name=systemd", CG_SYSTEMD},
    {"perf_event", CG_OTHER}, {"misc", CG_OTHER},
};

/* Controller bits of a comma- or space-separated list; mount options
 * that name no controller (rw, xattr, ...) are ignored. */
static uint32_t
ctrl_bits(const char *list)
{
	uint32_t bits = 0;
	cleanup_free char *copy = xstrdup(list);
	char *save = NULL;

	for (char *w = strtok_r(copy, ", \n", &save); w; w = strtok_r(NULL, ", \n", &save))
		for (size_t i = 0; i < sizeof(cg_names) / sizeof(cg_names[0]); i++)
			if (strcmp(w, cg_names[i].name) == 0)
				bits |= cg_names[i].bit;
	return bits;
}

static void
add_hier(struct cg_layout *l, const char *mnt, bool v2, uint32_t ctrls)
{
	struct cg_hier *h;

	l->h = xrealloc(l->h, (l->n + 1) * sizeof(*l->h));
	h = &l->h[l->n++];
	memset(h, 0, sizeof(*h));
	h->mnt = xstrdup(mnt);
	h->v2 = v2;
	h->ctrls = ctrls;
	h->rootfd = -1;
	h->dirfd = -1;
}

/* One mountinfo line: "id parent maj:min root mnt opts [tags] - fstype src superopts". */
static void
parse_mount(struct cg_layout *l, char *line)
{
	char *f[6], *save = NULL, *sep, *fstype, *super;
	int i = 0;

	sep = strstr(line, " - ");
	if (sep == NULL)
		return;
	*sep = '\0';
	for (char *w = strtok_r(line, " ", &save); w && i < 6; w = strtok_r(NULL, " ", &save))
		f[i++] = w;
	if (i < 5)
		return;
	save = NULL;
	fstype = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save);
	super = strtok_r(NULL, " \n", &save);
	if (fstype == NULL || super == NULL)
		return;
	if (strcmp(fstype, "cgroup2") == 0) {
		if (strcmp(f[4], CG_BASE) == 0)
			l->pure_v2 = true;
		else if (strncmp(f[4], CG_BASE "/", sizeof(CG_BASE)) == 0 &&
		         !strchr(f[4] + sizeof(CG_BASE), '/'))
			; /* hybrid: added below, once we know the mount is not pure */
		else
			return;
		add_hier(l, f[4], true, 0);
	} else if (strcmp(fstype, "cgroup") == 0 &&
	           strncmp(f[4], CG_BASE "/", sizeof(CG_BASE)) == 0 &&
	           !strchr(f[4] + sizeof(CG_BASE), '/')) {
		uint32_t bits = ctrl_bits(super);
		if (bits != 0)
			add_hier(l, f[4], false, bits);
	}
}

/* Our own cgroup in each hierarchy, from /proc/self/cgroup. */
static int
load_self(struct cg_layout *l, struct brig_err *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	if (f == NULL)
		return brig_err_set(err, errno, "/proc/self/cgroup");
	while (fgets(line, sizeof(line), f) != NULL) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		for (unsigned i = 0; i < l->n; i++) {
			struct cg_hier *h = &l->h[i];
			bool match = h->v2 ? c1[1] == '\0' : ctrl_bits(c1 + 1) == h->ctrls;
			if (match && h->self == NULL)
				h->self = xstrdup(c2 + 1);
		}
	}
	return 0;
}

static int
open_roots(struct cg_layout *l, struct brig_err *err)
{
	for (unsigned i = 0; i < l->n; i++) {
		struct cg_hier *h = &l->h[i];
		struct statfs sf;
		char buf[1024];
		h->rootfd = open(h->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (h->rootfd < 0)
			return brig_err_set(err, errno, "%s", h->mnt);
		if (fstatfs(h->rootfd, &sf) < 0 ||
		    sf.f_type != (h->v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
			return brig_err_set(err, EXDEV, "%s: not a cgroup file system", h->mnt);
		if (h->v2 && cg_read_at(h->rootfd, "cgroup.controllers", buf, sizeof(buf)) >= 0)
			h->ctrls = ctrl_bits(buf);
	}
	return 0;
}

int
cg_layout_load(struct cg_layout *l, struct brig_err *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	memset(l, 0, sizeof(*l));
	if (f == NULL)
		return brig_err_set(err, errno, "/proc/self/mountinfo");
	while (fgets(line, sizeof(line), f) != NULL)
		parse_mount(l, line);
	if (l->pure_v2) {
		/* Only the mount at /sys/fs/cgroup counts. */
		for (unsigned i = 0; i < l->n; i++)
			if (strcmp(l->h[i].mnt, CG_BASE) == 0 && i != 0) {
				struct cg_hier t = l->h[0];
				l->h[0] = l->h[i];
				l->h[i] = t;
			}
		for (unsigned i = 1; i < l->n; i++)
			free(l->h[i].mnt);
		l->n = 1;
	}
	if (l->n == 0)
		return brig_err_set(err, ENOENT, "no cgroup file system mounted under " CG_BASE);
	if (open_roots(l, err) < 0 || load_self(l, err) < 0)
		return -1;
	return 0;
}

static void
close_walk(struct cg_hier *h)
{
	for (unsigned i = 0; i < h->nchain; i++)
		close(h->chain[i]);
	h->nchain = 0;
	if (h->dirfd >= 0)
		close(h->dirfd);
	h->dirfd = -1;
}

void
cg_layout_free(struct cg_layout *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		close_walk(&l->h[i]);
		if (l->h[i].rootfd >= 0)
			close(l->h[i].rootfd);
		free(l->h[i].mnt);
		free(l->h[i].self);
	}
	free(l->h);
	for (unsigned i = 0; i < l->ncomp; i++)
		free(l->comp[i]);
	free(l->path);
	memset(l, 0, sizeof(*l));
}

/* Split the target's path (cgmsg_check already refused "..", "." and
 * empty components) into l->comp. */
static void
split_path(struct cg_layout *l, const struct cg_target *t)
{
	char *save = NULL;
	cleanup_free char *copy = NULL;

	l->path = t->path ? xstrdup(t->path) : xasprintf("/%s", t->id);
	l->relative = l->path[0] != '/';
	copy = xstrdup(l->path);
	for (char *w = strtok_r(copy, "/", &save); w && l->ncomp < CGMSG_MAX_DEPTH;
	     w = strtok_r(NULL, "/", &save))
		l->comp[l->ncomp++] = xstrdup(w);
}

static int
open_beneath(int dirfd, const char *name)
{
	return sys_openat2(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, CG_RESOLVE);
}

/* chain[0]: the mount point, or our own cgroup below it. */
static int
open_base(struct cg_layout *l, struct cg_hier *h, struct brig_err *err)
{
	const char *self = h->self ? h->self : "/";

	if (!l->relative || strcmp(self, "/") == 0)
		h->chain[0] = fcntl(h->rootfd, F_DUPFD_CLOEXEC, 3);
	else
		h->chain[0] = open_beneath(h->rootfd, self + 1);
	if (h->chain[0] < 0)
		return brig_err_set(err, errno, "%s%s", h->mnt, l->relative ? self : "");
	h->nchain = 1;
	return 0;
}

static int
walk(struct cg_layout *l, struct cg_hier *h, bool create, struct brig_err *err)
{
	if (open_base(l, h, err) < 0)
		return -1;
	for (unsigned i = 0; i < l->ncomp; i++) {
		int parent = h->chain[h->nchain - 1];
		int fd = open_beneath(parent, l->comp[i]);
		if (fd < 0 && errno == ENOENT && create) {
			/* Everything below the first directory we make is ours. */
			if (mkdirat(parent, l->comp[i], 0755) == 0) {
				if (h->created == 0)
					h->created = l->ncomp - i;
			} else if (errno != EEXIST) {
				return brig_err_set(err, errno, "%s: create cgroup %s", h->mnt,
				                    l->path);
			}
			fd = open_beneath(parent, l->comp[i]);
		}
		if (fd < 0 && errno == ENOENT)
			return 1;
		if (fd < 0)
			return brig_err_set(err, errno == ELOOP || errno == EXDEV ? EPERM : errno,
			                    "%s: cgroup %s", h->mnt, l->path);
		h->chain[h->nchain++] = fd;
	}
	h->dirfd = openat(h->chain[h->nchain - 1], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->dirfd < 0)
		return brig_err_set(err, errno, "%s: cgroup %s", h->mnt, l->path);
	return 0;
}

int
cg_layout_open(struct cg_layout *l, const struct cg_target *t, bool create, struct brig_err *err)
{
	unsigned found = 0;

	split_path(l, t);
	if (l->ncomp == 0)
		return brig_err_set(err, EINVAL, "cgroupsPath \"%s\": names no cgroup", l->path);
	for (unsigned i = 0; i < l->n; i++) {
		int ret = walk(l, &l->h[i], create, err);
		if (ret < 0)
			return -1;
		if (ret == 0)
			found++;
		else
			close_walk(&l->h[i]);
	}
	if (found == 0)
		return brig_err_set(err, ENOENT, "cgroup %s", l->path);
	return 0;
}

/* rmdir NAME in DIRFD, retrying while the kernel still counts exiting
 * tasks in it (EBUSY), for up to about a second. */
static int
rmdir_retry(int dirfd, const char *name, bool retry)
{
	for (int i = 0; i < 100; i++) {
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || !retry)
			return -1;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	return -1;
}

int
cg_layout_remove(struct cg_layout *l, uint32_t created, struct brig_err *err)
{
	int ret = 0;

	for (unsigned i = 0; i < l->n; i++) {
		struct cg_hier *h = &l->h[i];
		uint32_t depth = h->created ? h->created : created;
		if (h->nchain != l->ncomp + 1)
			continue;
		if (h->dirfd >= 0) {
			close(h->dirfd);
			h->dirfd = -1;
		}
		for (uint32_t d = 0; d < depth && d < l->ncomp; d++) {
			unsigned k = l->ncomp - d; /* chain index of the dir to remove */
			if (rmdir_retry(h->chain[k - 1], l->comp[k - 1], d == 0) < 0) {
				/* A parent still used by another container stays. */
				if (d == 0 && ret == 0)
					ret = brig_err_set(err, errno, "%s: remove cgroup %s",
					                   h->mnt, l->path);
				break;
			}
		}
	}
	return ret;
}

struct cg_hier *
cg_find(struct cg_layout *l, uint32_t c)
{
	/* v1 first: in the hybrid layout a controller bound to a v1
	 * hierarchy is not usable in the cgroup2 one. */
	for (unsigned i = 0; i < l->n; i++)
		if (!l->h[i].v2 && (l->h[i].ctrls & c) && l->h[i].dirfd >= 0)
			return &l->h[i];
	for (unsigned i = 0; i < l->n; i++)
		if (l->h[i].v2 && (l->h[i].ctrls & c) && l->h[i].dirfd >= 0)
			return &l->h[i];
	return NULL;
}

struct cg_hier *
cg_unified(struct cg_layout *l)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->h[i].v2 && l->h[i].dirfd >= 0)
			return &l->h[i];
	return NULL;
}
