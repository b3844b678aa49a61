/* mountplan.c - encoding, decoding and checking of IPC_MOUNT_PLAN. */
#include "ipc/mountplan.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "ipc/wire.h"

void
mountplan_encode(struct ipc_writer *w, const struct mount_plan *p)
{
	ipc_put_u32(w, p->ns_flags);
	ipc_put_u32(w, p->root_propagation);
	ipc_put_u32(w, p->flags);
	ipc_put_str(w, p->rootfs);
	ipc_put_u32(w, p->n_mounts);
	for (uint32_t i = 0; i < p->n_mounts; i++) {
		const struct mp_mount *m = &p->mounts[i];
		ipc_put_u32(w, m->kind);
		ipc_put_u64(w, m->attr_set);
		ipc_put_u64(w, m->attr_clr);
		ipc_put_u32(w, m->propagation);
		ipc_put_u32(w, m->prop_recursive);
		ipc_put_str(w, m->source);
		ipc_put_str(w, m->dest);
		ipc_put_str(w, m->fstype);
		ipc_put_str(w, m->data);
	}
	ipc_put_u32(w, p->n_devices);
	for (uint32_t i = 0; i < p->n_devices; i++) {
		const struct mp_device *d = &p->devices[i];
		ipc_put_str(w, d->path);
		ipc_put_u32(w, d->type);
		ipc_put_u32(w, d->major);
		ipc_put_u32(w, d->minor);
		ipc_put_u32(w, d->mode);
		ipc_put_u32(w, d->uid);
		ipc_put_u32(w, d->gid);
	}
	ipc_put_u32(w, p->n_masked);
	for (uint32_t i = 0; i < p->n_masked; i++)
		ipc_put_str(w, p->masked[i]);
	ipc_put_u32(w, p->n_readonly);
	for (uint32_t i = 0; i < p->n_readonly; i++)
		ipc_put_str(w, p->readonly[i]);
}

static int
decode_paths(struct ipc_reader *r, char ***out, uint32_t *n)
{
	if (ipc_get_count(r, n, MPLAN_MAX_PATHS) < 0)
		return -1;
	*out = calloc(*n ? *n : 1, sizeof(char *));
	if (*out == NULL)
		return -1;
	for (uint32_t i = 0; i < *n; i++)
		if (ipc_get_str(r, &(*out)[i], false) < 0)
			return -1;
	return 0;
}

int
mountplan_decode(struct ipc_reader *r, struct mount_plan *p, struct brig_err *err)
{
	ipc_get_u32(r, &p->ns_flags);
	ipc_get_u32(r, &p->root_propagation);
	ipc_get_u32(r, &p->flags);
	ipc_get_str(r, &p->rootfs, false);
	if (ipc_get_count(r, &p->n_mounts, MPLAN_MAX_MOUNTS) < 0)
		goto bad;
	p->mounts = calloc(p->n_mounts ? p->n_mounts : 1, sizeof(*p->mounts));
	if (p->mounts == NULL)
		goto bad;
	for (uint32_t i = 0; i < p->n_mounts; i++) {
		struct mp_mount *m = &p->mounts[i];
		ipc_get_u32(r, &m->kind);
		ipc_get_u64(r, &m->attr_set);
		ipc_get_u64(r, &m->attr_clr);
		ipc_get_u32(r, &m->propagation);
		ipc_get_u32(r, &m->prop_recursive);
		ipc_get_str(r, &m->source, true);
		ipc_get_str(r, &m->dest, false);
		ipc_get_str(r, &m->fstype, true);
		if (ipc_get_str(r, &m->data, true) < 0)
			goto bad;
	}
	if (ipc_get_count(r, &p->n_devices, MPLAN_MAX_DEVICES) < 0)
		goto bad;
	p->devices = calloc(p->n_devices ? p->n_devices : 1, sizeof(*p->devices));
	if (p->devices == NULL)
		goto bad;
	for (uint32_t i = 0; i < p->n_devices; i++) {
		struct mp_device *d = &p->devices[i];
		ipc_get_str(r, &d->path, false);
		ipc_get_u32(r, &d->type);
		ipc_get_u32(r, &d->major);
		ipc_get_u32(r, &d->minor);
		ipc_get_u32(r, &d->mode);
		ipc_get_u32(r, &d->uid);
		if (ipc_get_u32(r, &d->gid) < 0)
			goto bad;
	}
	if (decode_paths(r, &p->masked, &p->n_masked) < 0)
		goto bad;
	if (decode_paths(r, &p->readonly, &p->n_readonly) < 0)
		goto bad;
	if (ipc_reader_end(r) < 0)
		goto bad;
	return 0;
bad:
	brig_err_set(err, 0, "malformed mount plan: %s", r->why ? r->why : "out of memory");
	err->errnum = EBADMSG;
	mountplan_free(p);
	return -1;
}

/* An absolute path of at most IPC_STR_MAX bytes with no control
 * characters.  ".." is allowed: paths are resolved with RESOLVE_IN_ROOT,
 * which cannot leave the rootfs whatever the components. */
static int
check_container_path(const char *what, const char *path, struct brig_err *err)
{
	if (path == NULL || path[0] != '/')
		return brig_err_set(err, EINVAL, "%s: not an absolute path", what);
	for (const char *c = path; *c; c++)
		if ((unsigned char) *c < 0x20 || *c == 0x7f)
			return brig_err_set(err, EINVAL, "%s: control character in path", what);
	return 0;
}

static int
check_propagation(uint32_t prop)
{
	return prop == 0 || prop == MS_SHARED || prop == MS_SLAVE || prop == MS_PRIVATE ||
	       prop == MS_UNBINDABLE;
}

static const uint64_t mp_attr_known = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
				      MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME |
				      MOUNT_ATTR_NOSYMFOLLOW;

static int
check_mount(uint32_t i, const struct mp_mount *m, struct brig_err *err)
{
	if (m->kind > MP_RBIND)
		return brig_err_set(err, EINVAL, "mount %u: unknown kind %u", i, m->kind);
	if ((m->attr_set | m->attr_clr) & ~mp_attr_known)
		return brig_err_set(err, EINVAL, "mount %u: unknown mount attributes", i);
	if (!check_propagation(m->propagation))
		return brig_err_set(err, EINVAL, "mount %u: bad propagation", i);
	if (check_container_path("mount destination", m->dest, err) < 0)
		return -1;
	if (m->kind != MP_FS && (m->source == NULL || m->source[0] != '/'))
		return brig_err_set(err, EINVAL, "mount %s: bind source must be an absolute path",
				    m->dest);
	if (m->kind == MP_FS && (m->fstype == NULL || m->fstype[0] == '\0'))
		return brig_err_set(err, EINVAL, "mount %s: filesystem type missing", m->dest);
	return 0;
}

static int
check_device(const struct mp_device *d, struct brig_err *err)
{
	if (check_container_path("device path", d->path, err) < 0)
		return -1;
	if (d->type != S_IFCHR && d->type != S_IFBLK && d->type != S_IFIFO)
		return brig_err_set(err, EINVAL, "device %s: bad type", d->path);
	if (d->mode & ~07777u)
		return brig_err_set(err, EINVAL, "device %s: bad mode", d->path);
	return 0;
}

int
mountplan_check(const struct mount_plan *p, struct brig_err *err)
{
	const uint32_t ns_known = CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
				  CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;

	if (!(p->ns_flags & CLONE_NEWNS) || (p->ns_flags & ~ns_known))
		return brig_err_set(err, EINVAL, "mount plan: namespaces must include mount");
	if (p->flags & ~MPLAN_FLAGS_ALL)
		return brig_err_set(err, EINVAL, "mount plan: unknown flags");
	if (!check_propagation(p->root_propagation & ~(uint32_t) MS_REC))
		return brig_err_set(err, EINVAL, "mount plan: bad rootfs propagation");
	if (p->rootfs == NULL || p->rootfs[0] != '/')
		return brig_err_set(err, EINVAL, "mount plan: rootfs must be an absolute path");
	for (uint32_t i = 0; i < p->n_mounts; i++)
		if (check_mount(i, &p->mounts[i], err) < 0)
			return -1;
	for (uint32_t i = 0; i < p->n_devices; i++)
		if (check_device(&p->devices[i], err) < 0)
			return -1;
	for (uint32_t i = 0; i < p->n_masked; i++)
		if (check_container_path("masked path", p->masked[i], err) < 0)
			return -1;
	for (uint32_t i = 0; i < p->n_readonly; i++)
		if (check_container_path("readonly path", p->readonly[i], err) < 0)
			return -1;
	return 0;
}

static void
free_strv(char **v, uint32_t n)
{
	if (v == NULL)
		return;
	for (uint32_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
mountplan_free(struct mount_plan *p)
{
	free(p->rootfs);
	if (p->mounts != NULL) {
		for (uint32_t i = 0; i < p->n_mounts; i++) {
			free(p->mounts[i].source);
			free(p->mounts[i].dest);
			free(p->mounts[i].fstype);
			free(p->mounts[i].data);
		}
		free(p->mounts);
	}
	if (p->devices != NULL) {
		for (uint32_t i = 0; i < p->n_devices; i++)
			free(p->devices[i].path);
		free(p->devices);
	}
	free_strv(p->masked, p->n_masked);
	free_strv(p->readonly, p->n_readonly);
	memset(p, 0, sizeof(*p));
}
