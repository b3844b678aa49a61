/* mounts.c - the "mounts" section and the mount option table.
 *
 * Options are split as runc's specconv does: the known ones become mount
 * attributes (MOUNT_ATTR_*, applied with mount_setattr), a propagation
 * type or the bind kind; anything else is filesystem data, joined with ','
 * for fsconfig.
 */
#include "front/config/parse.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "lib/xalloc.h"

enum mnt_op {
	MNT_ATTR_SET, /* set V */
	MNT_ATTR_CLR, /* clear V */
	MNT_ATIME,    /* the atime mode: one of MOUNT_ATTR__ATIME's values */
	MNT_PROP,     /* propagation V (MS_*) */
	MNT_PROP_REC, /* recursive propagation V */
	MNT_BIND,     /* bind */
	MNT_RBIND,    /* recursive bind */
	MNT_DATA,     /* a superblock flag fsconfig understands: keep as data */
	MNT_IGNORE,   /* accepted, nothing to do (remount, idmap: handled elsewhere) */
};

struct mnt_opt {
	const char *name;
	enum mnt_op op;
	unsigned long v;
};

static const struct mnt_opt mnt_opts[] = {
    {"ro", MNT_ATTR_SET, MOUNT_ATTR_RDONLY},
    {"rw", MNT_ATTR_CLR, MOUNT_ATTR_RDONLY},
    {"nosuid", MNT_ATTR_SET, MOUNT_ATTR_NOSUID},
    {"suid", MNT_ATTR_CLR, MOUNT_ATTR_NOSUID},
    {"nodev", MNT_ATTR_SET, MOUNT_ATTR_NODEV},
    {"dev", MNT_ATTR_CLR, MOUNT_ATTR_NODEV},
    {"noexec", MNT_ATTR_SET, MOUNT_ATTR_NOEXEC},
    {"exec", MNT_ATTR_CLR, MOUNT_ATTR_NOEXEC},
    {"nodiratime", MNT_ATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"diratime", MNT_ATTR_CLR, MOUNT_ATTR_NODIRATIME},
    {"nosymfollow", MNT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"symfollow", MNT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    /* mount_setattr takes the atime mode as a whole (clearing part of
     * MOUNT_ATTR__ATIME is EINVAL); the kernel's default is relatime. */
    {"noatime", MNT_ATIME, MOUNT_ATTR_NOATIME},
    {"strictatime", MNT_ATIME, MOUNT_ATTR_STRICTATIME},
    {"relatime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"atime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"norelatime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"nostrictatime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    /* runc's recursive forms (mount_setattr AT_RECURSIVE): kept as the
     * plain attribute; a bind's attributes apply to the whole tree. */
    {"rro", MNT_ATTR_SET, MOUNT_ATTR_RDONLY},
    {"rrw", MNT_ATTR_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", MNT_ATTR_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", MNT_ATTR_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", MNT_ATTR_SET, MOUNT_ATTR_NODEV},
    {"rdev", MNT_ATTR_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", MNT_ATTR_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", MNT_ATTR_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MNT_ATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", MNT_ATTR_CLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MNT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", MNT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    {"rnoatime", MNT_ATIME, MOUNT_ATTR_NOATIME},
    {"rstrictatime", MNT_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rrelatime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"ratime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"rnostrictatime", MNT_ATIME, MOUNT_ATTR_RELATIME},
    {"private", MNT_PROP, MS_PRIVATE},
    {"rprivate", MNT_PROP_REC, MS_PRIVATE},
    {"shared", MNT_PROP, MS_SHARED},
    {"rshared", MNT_PROP_REC, MS_SHARED},
    {"slave", MNT_PROP, MS_SLAVE},
    {"rslave", MNT_PROP_REC, MS_SLAVE},
    {"unbindable", MNT_PROP, MS_UNBINDABLE},
    {"runbindable", MNT_PROP_REC, MS_UNBINDABLE},
    {"bind", MNT_BIND, 0},
    {"rbind", MNT_RBIND, 0},
    {"sync", MNT_DATA, 0},
    {"async", MNT_DATA, 0},
    {"dirsync", MNT_DATA, 0},
    {"mand", MNT_DATA, 0},
    {"nomand", MNT_DATA, 0},
    {"remount", MNT_IGNORE, 0},
    {"tmpcopyup", MNT_IGNORE, 0},
    {"idmap", MNT_IGNORE, 0},
    {"ridmap", MNT_IGNORE, 0},
};

static const struct mnt_opt *
mnt_find(const char *name)
{
	for (size_t i = 0; i < sizeof(mnt_opts) / sizeof(mnt_opts[0]); i++)
		if (strcmp(mnt_opts[i].name, name) == 0)
			return &mnt_opts[i];
	return NULL;
}

static void
mnt_data_add(char **data, const char *opt)
{
	char *joined;

	if (*data == NULL) {
		*data = xstrdup(opt);
		return;
	}
	joined = xasprintf("%s,%s", *data, opt);
	free(*data);
	*data = joined;
}

/* Apply one option to M; later options override earlier ones, as with
 * mount (8). */
static void
mnt_apply(struct cfg_mount *m, const char *name)
{
	const struct mnt_opt *o = mnt_find(name);

	if (o == NULL || o->op == MNT_DATA) {
		mnt_data_add(&m->data, name);
		return;
	}
	switch (o->op) {
	case MNT_ATTR_SET:
		m->attr_set |= o->v;
		m->attr_clr &= ~(uint64_t) o->v;
		break;
	case MNT_ATTR_CLR:
		m->attr_clr |= o->v;
		m->attr_set &= ~(uint64_t) o->v;
		break;
	case MNT_ATIME:
		m->attr_set = (m->attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | o->v;
		m->attr_clr |= MOUNT_ATTR__ATIME;
		break;
	case MNT_PROP:
	case MNT_PROP_REC:
		m->propagation = o->v;
		m->propagation_recursive = o->op == MNT_PROP_REC;
		break;
	case MNT_BIND:
		if (m->kind != CFG_MOUNT_RBIND)
			m->kind = CFG_MOUNT_BIND;
		break;
	case MNT_RBIND:
		m->kind = CFG_MOUNT_RBIND;
		break;
	case MNT_DATA:
	case MNT_IGNORE:
	default:
		break;
	}
}

static int
mnt_one(struct cfgp *p, yajl_val v, struct cfg_mount *m)
{
	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	if (cfgp_abspath(p, v, "destination", true, &m->destination) < 0 ||
	    cfgp_string(p, v, "type", false, &m->type) < 0 ||
	    cfgp_string(p, v, "source", false, &m->source) < 0 ||
	    cfgp_strv(p, v, "options", false, false, &m->options) < 0)
		return -1;
	/* Idmapped mounts: validated now, not yet carried in struct cfg_mount. */
	if (cfgp_idmaps(p, v, "uidMappings", NULL, NULL) < 0 ||
	    cfgp_idmaps(p, v, "gidMappings", NULL, NULL) < 0)
		return -1;
	for (size_t i = 0; i < m->options.n; i++) {
		if (m->options.v[i][0] == '\0') {
			cfgp_push_key(p, "options");
			cfgp_push_index(p, i);
			return cfgp_fail(p, NULL, "empty mount option");
		}
		mnt_apply(m, m->options.v[i]);
	}
	if (m->type != NULL && strcmp(m->type, "bind") == 0 && m->kind == CFG_MOUNT_FS)
		m->kind = CFG_MOUNT_BIND;
	if (m->kind == CFG_MOUNT_FS && (m->type == NULL || m->type[0] == '\0')) {
		cfgp_push_key(p, "type");
		return cfgp_fail(p, NULL, "required for a mount that is not a bind mount");
	}
	if (m->kind != CFG_MOUNT_FS && (m->source == NULL || m->source[0] == '\0')) {
		cfgp_push_key(p, "source");
		return cfgp_fail(p, NULL, "required for a bind mount");
	}
	return 0;
}

int
cfgp_mounts(struct cfgp *p, yajl_val mounts, struct config *cfg)
{
	size_t old = cfgp_push_key(p, "mounts");

	cfg->mounts = xcalloc(mounts->u.array.len + 1, sizeof(*cfg->mounts));
	for (size_t i = 0; i < mounts->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		/* Counted first: config_free releases a half-parsed entry too. */
		cfg->n_mounts++;
		if (mnt_one(p, mounts->u.array.values[i], &cfg->mounts[i]) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}
