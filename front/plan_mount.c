/* plan_mount.c - config.json mounts, devices and paths -> IPC_MOUNT_PLAN. */
#include "front/plan_mount.h"

#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "lib/xalloc.h"

/* The devices every container gets (runtime-spec "Default Devices"). */
static const struct {
	const char *path;
	uint32_t major, minor;
} default_devices[] = {
	{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static uint32_t
ns_flags_of(const struct config *cfg)
{
	uint32_t f = 0;

	for (size_t i = 0; i < cfg->linux.n_namespaces; i++) {
		int fl = cfg->linux.namespaces[i].clone_flag;
		/* Time namespaces are entered by the init itself. */
		if (fl != CLONE_NEWTIME)
			f |= (uint32_t) fl;
	}
	return f;
}

static char *
bind_source(const struct container *c, const char *src)
{
	if (src[0] == '/')
		return xstrdup(src);
	/* runc resolves a relative bind source against the bundle. */
	return xasprintf("%s/%s", c->bundle, src);
}

static void
plan_mounts(const struct container *c, struct mount_plan *p)
{
	const struct config *cfg = c->cfg;

	p->n_mounts = (uint32_t) cfg->n_mounts;
	p->mounts = xcalloc(cfg->n_mounts, sizeof(*p->mounts));
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct cfg_mount *m = &cfg->mounts[i];
		struct mp_mount *o = &p->mounts[i];

		o->kind = m->kind == CFG_MOUNT_RBIND  ? MP_RBIND
			  : m->kind == CFG_MOUNT_BIND ? MP_BIND
						      : MP_FS;
		o->attr_set = m->attr_set;
		o->attr_clr = m->attr_clr;
		o->propagation = (uint32_t) m->propagation;
		o->prop_recursive = m->propagation_recursive;
		o->dest = xstrdup(m->destination);
		if (o->kind == MP_FS) {
			o->fstype = xstrdup(m->type);
			o->source = m->source ? xstrdup(m->source) : NULL;
			o->data = m->data ? xstrdup(m->data) : NULL;
		} else {
			o->source = bind_source(c, m->source);
		}
	}
}

static bool
config_has_device(const struct config *cfg, const char *path)
{
	for (size_t i = 0; i < cfg->linux.n_devices; i++)
		if (strcmp(cfg->linux.devices[i].path, path) == 0)
			return true;
	return false;
}

static uint32_t
device_type(char t)
{
	switch (t) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

static void
plan_devices(const struct container *c, struct mount_plan *p)
{
	const struct config *cfg = c->cfg;
	size_t max = cfg->linux.n_devices + sizeof(default_devices) / sizeof(default_devices[0]);
	uint32_t n = 0;

	p->devices = xcalloc(max, sizeof(*p->devices));
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		if (config_has_device(cfg, default_devices[i].path))
			continue;
		p->devices[n].path = xstrdup(default_devices[i].path);
		p->devices[n].type = S_IFCHR;
		p->devices[n].major = default_devices[i].major;
		p->devices[n].minor = default_devices[i].minor;
		p->devices[n].mode = 0666;
		n++;
	}
	for (size_t i = 0; i < cfg->linux.n_devices; i++) {
		const struct cfg_device *d = &cfg->linux.devices[i];
		struct mp_device *o = &p->devices[n++];
		o->path = xstrdup(d->path);
		o->type = device_type(d->type);
		o->major = (uint32_t) d->major;
		o->minor = (uint32_t) d->minor;
		o->mode = d->has_file_mode ? (uint32_t) (d->file_mode & 07777) : 0666;
		o->uid = d->has_uid ? d->uid : 0;
		o->gid = d->has_gid ? d->gid : 0;
	}
	p->n_devices = n;
}

static char **
copy_strv(const struct cfg_strv *v, uint32_t *n)
{
	char **out = xcalloc(v->n, sizeof(char *));

	for (size_t i = 0; i < v->n; i++)
		out[i] = xstrdup(v->v[i]);
	*n = (uint32_t) v->n;
	return out;
}

int
plan_mount_build(const struct container *c, struct mount_plan *p, struct brig_err *err)
{
	const struct config *cfg = c->cfg;

	(void) err;
	memset(p, 0, sizeof(*p));
	p->ns_flags = ns_flags_of(cfg);
	/* runc's default: the container sees host mount events (rslave) but
	 * never sends its own back. */
	p->root_propagation = cfg->linux.rootfs_propagation
				      ? (uint32_t) cfg->linux.rootfs_propagation
				      : (uint32_t) (MS_SLAVE | MS_REC);
	p->flags = MPLAN_DEFAULT_DEV;
	if (c->g->nested_userns)
		p->flags |= MPLAN_NESTED_USERNS;
	if (cfg->root.readonly)
		p->flags |= MPLAN_READONLY_ROOT;
	if (c->opts->no_pivot)
		p->flags |= MPLAN_NO_PIVOT | MPLAN_STOP_BEFORE_PIVOT;
	if (cfg->hooks.n_create_container > 0)
		p->flags |= MPLAN_STOP_BEFORE_PIVOT;
	p->rootfs = xstrdup(c->rootfs);
	plan_mounts(c, p);
	plan_devices(c, p);
	p->masked = copy_strv(&cfg->linux.masked_paths, &p->n_masked);
	p->readonly = copy_strv(&cfg->linux.readonly_paths, &p->n_readonly);
	return 0;
}

void
plan_mount_free(struct mount_plan *p)
{
	mountplan_free(p);
}
