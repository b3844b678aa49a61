/* vmmsg.c - encoding, decoding and checking of the brig-vm messages. */
#include "ipc/vmmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/wire.h"

/* ---- encoding ---- */

static void
enc_strv(struct ipc_writer *w, uint32_t n, char *const *v)
{
	ipc_put_u32(w, n);
	for (uint32_t i = 0; i < n; i++)
		ipc_put_str(w, v[i]);
}

void
vmmsg_encode(struct ipc_writer *w, const struct vm_request *q)
{
	ipc_put_str(w, q->kernel);
	ipc_put_str(w, q->cache_dir);
	ipc_put_u32(w, q->accel);
	ipc_put_u32(w, q->mem_mib);
	ipc_put_u32(w, q->cpus);
	ipc_put_str(w, q->hostname);
	ipc_put_str(w, q->cwd);
	ipc_put_u32(w, q->uid);
	ipc_put_u32(w, q->gid);
	ipc_put_u32(w, q->umask);
	ipc_put_u32(w, q->n_groups);
	for (uint32_t i = 0; i < q->n_groups; i++)
		ipc_put_u32(w, q->groups[i]);
	enc_strv(w, q->n_args, q->args);
	enc_strv(w, q->n_env, q->env);
	ipc_put_u32(w, q->n_rlimits);
	for (uint32_t i = 0; i < q->n_rlimits; i++) {
		ipc_put_u32(w, q->rlimits[i].type);
		ipc_put_u64(w, q->rlimits[i].soft);
		ipc_put_u64(w, q->rlimits[i].hard);
	}
	ipc_put_u32(w, q->n_mounts);
	for (uint32_t i = 0; i < q->n_mounts; i++) {
		ipc_put_str(w, q->mounts[i].source);
		ipc_put_str(w, q->mounts[i].dest);
		ipc_put_u32(w, q->mounts[i].readonly);
	}
	ipc_put_u32(w, q->fs);
}

/* ---- decoding ---- */

static void
free_strv(uint32_t n, char **v)
{
	for (uint32_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* Count and array of N elements of SIZE; NULL (reader marked bad) when
 * the count is refused or memory is short. */
static void *
get_array(struct ipc_reader *r, uint32_t *n, uint32_t max, size_t size)
{
	void *a;

	if (ipc_get_count(r, n, max) < 0) {
		*n = 0;
		return NULL;
	}
	a = calloc(*n ? *n : 1, size);
	if (a == NULL) {
		*n = 0;
		r->bad = true;
		r->why = "out of memory";
	}
	return a;
}

static void
dec_strv(struct ipc_reader *r, uint32_t max, uint32_t *n, char ***out)
{
	char **v = get_array(r, n, max, sizeof(*v));

	*out = v;
	for (uint32_t i = 0; v != NULL && i < *n; i++)
		if (ipc_get_str(r, &v[i], false) < 0)
			return; /* the rest stay NULL: free_strv copes */
}

int
vmmsg_decode(struct ipc_reader *r, struct vm_request *q, struct brig_err *err)
{
	ipc_get_str(r, &q->kernel, false);
	ipc_get_str(r, &q->cache_dir, true);
	ipc_get_u32(r, &q->accel);
	ipc_get_u32(r, &q->mem_mib);
	ipc_get_u32(r, &q->cpus);
	ipc_get_str(r, &q->hostname, true);
	ipc_get_str(r, &q->cwd, false);
	ipc_get_u32(r, &q->uid);
	ipc_get_u32(r, &q->gid);
	ipc_get_u32(r, &q->umask);
	q->groups = get_array(r, &q->n_groups, VMMSG_MAX_GROUPS, sizeof(*q->groups));
	for (uint32_t i = 0; q->groups != NULL && i < q->n_groups; i++)
		ipc_get_u32(r, &q->groups[i]);
	dec_strv(r, VMMSG_MAX_ARGS, &q->n_args, &q->args);
	dec_strv(r, VMMSG_MAX_ENV, &q->n_env, &q->env);
	q->rlimits = get_array(r, &q->n_rlimits, VMMSG_MAX_RLIMITS, sizeof(*q->rlimits));
	for (uint32_t i = 0; q->rlimits != NULL && i < q->n_rlimits; i++) {
		ipc_get_u32(r, &q->rlimits[i].type);
		ipc_get_u64(r, &q->rlimits[i].soft);
		ipc_get_u64(r, &q->rlimits[i].hard);
	}
	q->mounts = get_array(r, &q->n_mounts, VMMSG_MAX_MOUNTS, sizeof(*q->mounts));
	for (uint32_t i = 0; q->mounts != NULL && i < q->n_mounts; i++) {
		ipc_get_str(r, &q->mounts[i].source, false);
		ipc_get_str(r, &q->mounts[i].dest, false);
		ipc_get_u32(r, &q->mounts[i].readonly);
	}
	ipc_get_u32(r, &q->fs);
	/* The reader fails every get after its first failure: one check. */
	if (ipc_reader_end(r) < 0) {
		brig_err_set(err, EBADMSG, "vm request: %s", r->why ? r->why : "malformed");
		vmmsg_free(q);
		return -1;
	}
	return 0;
}

void
vmmsg_free(struct vm_request *q)
{
	free(q->kernel);
	free(q->cache_dir);
	free(q->hostname);
	free(q->cwd);
	free(q->groups);
	free_strv(q->n_args, q->args);
	free_strv(q->n_env, q->env);
	free(q->rlimits);
	for (uint32_t i = 0; q->mounts != NULL && i < q->n_mounts; i++) {
		free(q->mounts[i].source);
		free(q->mounts[i].dest);
	}
	free(q->mounts);
	memset(q, 0, sizeof(*q));
}

/* ---- checking ---- */

/* A path qemu gets on its command line, where ',' separates options. */
static int
check_host_path(const char *p, const char *what, struct brig_err *err)
{
	if (p[0] != '/')
		return brig_err_set(err, EINVAL, "%s \"%s\": not an absolute path", what, p);
	if (strchr(p, ',') != NULL || strchr(p, '\n') != NULL)
		return brig_err_set(err, EINVAL, "%s \"%s\": ',' or newline in the path", what, p);
	return 0;
}

static int
check_hostname(const char *h, struct brig_err *err)
{
	size_t n = strlen(h);

	if (n == 0 || n > 64)
		return brig_err_set(err, EINVAL, "hostname \"%s\": length must be 1..64", h);
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return brig_err_set(err, EINVAL, "hostname \"%s\": bad character", h);
	}
	return 0;
}

static int
check_env(uint32_t n, char *const *env, struct brig_err *err)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');

		if (eq == NULL || eq == env[i])
			return brig_err_set(err, EINVAL, "env[%u] \"%s\": not NAME=value", i,
			                    env[i]);
	}
	return 0;
}

static int
check_rlimits(const struct vm_request *q, struct brig_err *err)
{
	for (uint32_t i = 0; i < q->n_rlimits; i++) {
		const struct vm_rlimit *l = &q->rlimits[i];

		if (l->type >= RLIMIT_NLIMITS)
			return brig_err_set(err, EINVAL, "rlimits[%u]: unknown type %u", i,
			                    l->type);
		if (l->soft > l->hard)
			return brig_err_set(err, EINVAL, "rlimits[%u]: soft above hard", i);
		for (uint32_t j = 0; j < i; j++)
			if (q->rlimits[j].type == l->type)
				return brig_err_set(err, EINVAL, "rlimits[%u]: type %u twice", i,
				                    l->type);
	}
	return 0;
}

static int
check_ranges(const struct vm_request *q, struct brig_err *err)
{
	if (q->accel > VM_ACCEL_TCG)
		return brig_err_set(err, EINVAL, "accel: unknown value %u", q->accel);
	if (q->fs > VM_FS_VIRTIOFS)
		return brig_err_set(err, EINVAL, "fs: unknown value %u", q->fs);
	if (q->mem_mib < VMMSG_MEM_MIN || q->mem_mib > VMMSG_MEM_MAX)
		return brig_err_set(err, EINVAL, "memory: %u MiB is outside %u..%u", q->mem_mib,
		                    VMMSG_MEM_MIN, VMMSG_MEM_MAX);
	if (q->cpus < 1 || q->cpus > VMMSG_CPUS_MAX)
		return brig_err_set(err, EINVAL, "cpus: %u is outside 1..%u", q->cpus,
		                    VMMSG_CPUS_MAX);
	if (q->umask > 0777)
		return brig_err_set(err, EINVAL, "umask: %#o is not a mode", q->umask);
	/* (uid_t) -1 means "unchanged" to setresuid: never a target. */
	if (q->uid == UINT32_MAX || q->gid == UINT32_MAX)
		return brig_err_set(err, EINVAL, "user: uid or gid 4294967295");
	for (uint32_t i = 0; i < q->n_groups; i++)
		if (q->groups[i] == UINT32_MAX)
			return brig_err_set(err, EINVAL, "groups[%u]: 4294967295", i);
	return 0;
}

static int
check_mounts(const struct vm_request *q, struct brig_err *err)
{
	for (uint32_t i = 0; i < q->n_mounts; i++) {
		const struct vm_mount *m = &q->mounts[i];

		if (m->source[0] != '/' || m->dest[0] != '/')
			return brig_err_set(err, EINVAL, "mounts[%u]: source and destination must "
			                    "be absolute", i);
		if (m->readonly > 1)
			return brig_err_set(err, EINVAL, "mounts[%u]: readonly is 0 or 1", i);
	}
	return 0;
}

int
vmmsg_check(const struct vm_request *q, struct brig_err *err)
{
	if (check_host_path(q->kernel, "kernel", err) < 0)
		return -1;
	if (q->cache_dir != NULL && check_host_path(q->cache_dir, "cache dir", err) < 0)
		return -1;
	if (check_ranges(q, err) < 0)
		return -1;
	if (q->hostname != NULL && check_hostname(q->hostname, err) < 0)
		return -1;
	if (q->cwd[0] != '/')
		return brig_err_set(err, EINVAL, "cwd \"%s\": not absolute", q->cwd);
	if (q->n_args == 0 || q->args[0][0] == '\0')
		return brig_err_set(err, EINVAL, "args: empty");
	if (check_env(q->n_env, q->env, err) < 0 || check_mounts(q, err) < 0)
		return -1;
	return check_rlimits(q, err);
}

/* ---- the WAIT reply ---- */

int
vmmsg_status_memfd(uint32_t status, struct brig_err *err)
{
	int fd = memfd_create("brig-vm-status", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return brig_err_set(err, errno, "memfd_create");
	/* Sealed: the reader sees exactly these 4 bytes. */
	if (write(fd, &status, sizeof(status)) != (ssize_t) sizeof(status) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		brig_err_set(err, errno, "status memfd");
		close(fd);
		return -1;
	}
	return fd;
}

int
vmmsg_read_status(int fd, uint32_t *status, struct brig_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "brig-vm status");
	if (!S_ISREG(st.st_mode) || st.st_size != (off_t) sizeof(*status))
		return brig_err_set(err, EBADMSG, "brig-vm status: not a 4-byte file");
	if (pread(fd, status, sizeof(*status), 0) != (ssize_t) sizeof(*status))
		return brig_err_set(err, errno ? errno : EIO, "brig-vm status: read");
	return 0;
}
