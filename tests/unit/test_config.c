/* test_config.c - unit tests of the config.json parser (front/config/).
 *
 * A full document with every section must land in struct config field by
 * field; each invalid document must be refused with an error naming its
 * JSON path.  The integration test data (tests/integration/testdata/
 * invalid/NN-name.json with its .expect) is checked here too, so the files
 * are known to be right before the bats test runs them through brig.
 * Prints "ok N - name" / "not ok N - name"; exits 1 if anything failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/err.h"
#include "tests/unit/tap.h"

static int
parse(const char *doc, struct config **cfg, struct brig_err *err)
{
	brig_err_clear(err);
	return config_parse(doc, strlen(doc), cfg, err);
}

/* ---- a valid document with every section ---- */

static const char full_doc[] =
    "{\"ociVersion\":\"1.2.0\",\"unknownTopLevel\":{\"x\":[1,2]},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"box\",\"domainname\":\"example.org\","
    "\"annotations\":{\"run.oci.handler\":\"vm\",\"a\":\"1\"},"
    "\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
    " \"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[5,6,7],"
    "  \"username\":\"me\"},"
    " \"args\":[\"/bin/sh\",\"-c\",\"echo hi\"],"
    " \"env\":[\"PATH=/bin\",\"EMPTY=\"],\"cwd\":\"/work\","
    " \"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\","
    "  \"CAP_CHECKPOINT_RESTORE\"],\"effective\":[\"CAP_KILL\"],\"inheritable\":[],"
    "  \"permitted\":[\"CAP_KILL\",\"CAP_NET_RAW\"],\"ambient\":[\"CAP_NET_RAW\"]},"
    " \"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":4096},"
    "  {\"type\":\"RLIMIT_CORE\",\"soft\":18446744073709551615,"
    "   \"hard\":18446744073709551615}],"
    " \"noNewPrivileges\":true,\"apparmorProfile\":\"unconfined\","
    " \"selinuxLabel\":\"system_u:system_r:container_t:s0\",\"oomScoreAdj\":-500,"
    " \"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":4},"
    " \"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":5,"
    "  \"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"]},"
    " \"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"0-1\"}},"
    "\"mounts\":["
    " {\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    " {\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "  \"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    " {\"destination\":\"/data\",\"type\":\"none\",\"source\":\"/srv/data\","
    "  \"options\":[\"rbind\",\"ro\",\"rslave\",\"nodev\",\"noatime\",\"nosymfollow\"]},"
    " {\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/etc/hosts\","
    "  \"options\":[\"rw\",\"exec\",\"private\"]},"
    " {\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "  \"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","
    "  \"gid=5\",\"sync\"]},"
    " {\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"/srv/idm\","
    "  \"options\":[\"bind\",\"idmap\"],"
    "  \"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}],"
    "\"hooks\":{\"prestart\":[{\"path\":\"/bin/pre\",\"args\":[\"pre\",\"x\"],"
    "  \"env\":[\"A=b\"],\"timeout\":5}],"
    " \"createRuntime\":[{\"path\":\"/bin/cr\"}],\"createContainer\":[{\"path\":\"/bin/cc\"}],"
    " \"startContainer\":[{\"path\":\"/bin/sc\"}],\"poststart\":[{\"path\":\"/bin/ps\"}],"
    " \"poststop\":[{\"path\":\"/bin/pst\"},{\"path\":\"/bin/pst2\",\"timeout\":1}]},"
    "\"linux\":{"
    " \"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"},"
    "  {\"type\":\"mount\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"user\"},"
    "  {\"type\":\"cgroup\"},{\"type\":\"time\"}],"
    " \"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    " \"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1},"
    "  {\"containerID\":1,\"hostID\":300000,\"size\":10}],"
    " \"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmax\":\"4096\","
    "  \"kernel.hostname\":\"h\",\"fs.mqueue.queues_max\":\"10\",\"kernel.sem\":\"1 2 3 4\"},"
    " \"cgroupsPath\":\"/brig/test\","
    " \"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,"
    "  \"fileMode\":438,\"uid\":0,\"gid\":0},{\"path\":\"/dev/fifo\",\"type\":\"p\"}],"
    " \"rootfsPropagation\":\"rslave\","
    " \"maskedPaths\":[\"/proc/kcore\",\"/sys/firmware\"],"
    " \"readonlyPaths\":[\"/proc/sys\"],"
    " \"mountLabel\":\"system_u:object_r:container_file_t:s0\","
    " \"personality\":{\"domain\":\"LINUX32\",\"flags\":[]},"
    " \"timeOffsets\":{\"monotonic\":{\"secs\":-10,\"nanosecs\":5},"
    "  \"boottime\":{\"secs\":3600}},"
    " \"intelRdt\":{\"closID\":\"grp\",\"l3CacheSchema\":\"L3:0=f\",\"enableCMT\":true},"
    " \"netDevices\":{\"eth1\":{\"name\":\"ceth0\"},\"dummy0\":{}},"
    " \"resources\":{"
    "  \"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
    "   {\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}],"
    "  \"memory\":{\"limit\":536870912,\"reservation\":-1,\"swap\":-1,\"swappiness\":60,"
    "   \"disableOOMKiller\":true},"
    "  \"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-3,5\","
    "   \"mems\":\"0\",\"idle\":1},"
    "  \"pids\":{\"limit\":100},"
    "  \"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,"
    "   \"weight\":300}],\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
    "   \"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,"
    "   \"rate\":100}]},"
    "  \"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200},"
    "   {\"pageSize\":\"1GB\",\"limit\":0}],"
    "  \"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\","
    "   \"priority\":500}]},"
    "  \"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}},"
    "  \"unified\":{\"memory.high\":\"max\",\"io.weight\":\"default 100\"}},"
    " \"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
    "  \"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_AARCH64\"],"
    "  \"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"listenerPath\":\"/run/seccomp.sock\","
    "  \"listenerMetadata\":\"meta\","
    "  \"syscalls\":[{\"names\":[\"read\",\"write\",\"no_such_syscall\"],"
    "   \"action\":\"SCMP_ACT_ALLOW\"},"
    "   {\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,"
    "    \"args\":[{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"},"
    "     {\"index\":5,\"value\":18446744073709551615,\"valueTwo\":1,"
    "      \"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "   {\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}";

#define CAPBIT(c) (UINT64_C(1) << (c))

static void
check_process(const struct cfg_process *p)
{
	ok(p->present && p->terminal && p->console_height == 24 && p->console_width == 80,
	   "process: terminal, consoleSize");
	ok(p->user.uid == 1000 && p->user.gid == 100 && p->user.has_umask && p->user.umask == 022 &&
	       p->user.n_additional_gids == 3 && p->user.additional_gids[2] == 7 &&
	       strcmp(p->user.username, "me") == 0,
	   "process.user");
	ok(p->args.n == 3 && strcmp(p->args.v[2], "echo hi") == 0 && p->args.v[3] == NULL,
	   "process.args (NULL-terminated)");
	ok(p->env.n == 2 && strcmp(p->env.v[1], "EMPTY=") == 0 && strcmp(p->cwd, "/work") == 0,
	   "process.env, cwd");
	ok(p->caps.present &&
	       p->caps.bounding ==
	           (CAPBIT(CAP_CHOWN) | CAPBIT(CAP_SYS_ADMIN) | CAPBIT(CAP_CHECKPOINT_RESTORE)) &&
	       p->caps.effective == CAPBIT(CAP_KILL) && p->caps.inheritable == 0 &&
	       p->caps.permitted == (CAPBIT(CAP_KILL) | CAPBIT(CAP_NET_RAW)) &&
	       p->caps.ambient == CAPBIT(CAP_NET_RAW),
	   "process.capabilities as bit masks");
	ok(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE &&
	       p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096 &&
	       p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].hard == UINT64_MAX &&
	       strcmp(p->rlimits[1].type, "RLIMIT_CORE") == 0,
	   "process.rlimits (full uint64 range)");
	ok(p->no_new_privileges && strcmp(p->apparmor_profile, "unconfined") == 0 &&
	       strncmp(p->selinux_label, "system_u:", 9) == 0 && p->has_oom_score_adj &&
	       p->oom_score_adj == -500,
	   "process: noNewPrivileges, apparmor, selinux, oomScoreAdj");
	ok(p->has_io_priority && p->io_priority_class == 2 && p->io_priority == 4,
	   "process.ioPriority");
}

static void
check_mounts(const struct config *c)
{
	const struct cfg_mount *m = c->mounts;

	ok(c->n_mounts == 6, "mounts: count");
	if (c->n_mounts != 6)
		return;
	ok(m[0].kind == CFG_MOUNT_FS && strcmp(m[0].type, "proc") == 0 && m[0].data == NULL &&
	       m[0].attr_set == 0 && m[0].attr_clr == 0,
	   "mounts[0]: proc, no options");
	ok(m[1].kind == CFG_MOUNT_FS &&
	       m[1].attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME) &&
	       m[1].attr_clr == MOUNT_ATTR__ATIME && m[1].data != NULL &&
	       strcmp(m[1].data, "mode=755,size=65536k") == 0 && m[1].options.n == 4,
	   "mounts[1]: tmpfs attrs and data");
	ok(m[2].kind == CFG_MOUNT_RBIND &&
	       m[2].attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOATIME |
	                         MOUNT_ATTR_NOSYMFOLLOW) &&
	       m[2].propagation == MS_SLAVE && m[2].propagation_recursive && m[2].data == NULL,
	   "mounts[2]: rbind ro rslave");
	ok(m[3].kind == CFG_MOUNT_BIND &&
	       m[3].attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC) && m[3].attr_set == 0 &&
	       m[3].propagation == MS_PRIVATE && !m[3].propagation_recursive,
	   "mounts[3]: type bind, rw exec private");
	ok(m[4].data != NULL &&
	       strcmp(m[4].data, "newinstance,ptmxmode=0666,mode=0620,gid=5,sync") == 0,
	   "mounts[4]: devpts data, sync kept for fsconfig");
	ok(m[5].kind == CFG_MOUNT_BIND && strcmp(m[5].source, "/srv/idm") == 0,
	   "mounts[5]: bind with idmap");
}

static void
check_hooks(const struct cfg_hooks *h)
{
	ok(h->n_prestart == 1 && strcmp(h->prestart[0].path, "/bin/pre") == 0 &&
	       h->prestart[0].args.n == 2 && h->prestart[0].env.n == 1 &&
	       h->prestart[0].has_timeout && h->prestart[0].timeout == 5,
	   "hooks.prestart");
	ok(h->n_create_runtime == 1 && h->n_create_container == 1 && h->n_start_container == 1 &&
	       h->n_poststart == 1 && h->n_poststop == 2 && !h->poststop[0].has_timeout &&
	       h->poststop[1].timeout == 1 && strcmp(h->start_container[0].path, "/bin/sc") == 0,
	   "hooks: all six lists");
}

static void
check_linux(const struct config *c)
{
	const struct cfg_linux *l = &c->linux;

	ok(l->n_namespaces == 8 && l->namespaces[0].type == CFG_NS_PID &&
	       l->namespaces[0].clone_flag == CLONE_NEWPID &&
	       l->namespaces[1].clone_flag == CLONE_NEWNET &&
	       strcmp(l->namespaces[1].path, "/run/netns/x") == 0 &&
	       l->namespaces[2].path == NULL && l->namespaces[7].clone_flag == 0x80,
	   "linux.namespaces in document order");
	ok(config_namespace(c, CFG_NS_USER) == &l->namespaces[5] &&
	       config_namespace(c, CFG_NS_TIME)->type == CFG_NS_TIME,
	   "config_namespace");
	ok(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 &&
	       l->uid_mappings[0].size == 65536 && l->n_gid_mappings == 2 &&
	       l->gid_mappings[1].container_id == 1 && l->gid_mappings[1].size == 10,
	   "linux.uid/gidMappings");
	ok(l->n_sysctl == 5 && strcmp(l->sysctl[0].key, "net.ipv4.ip_forward") == 0 &&
	       strcmp(l->sysctl[4].value, "1 2 3 4") == 0,
	   "linux.sysctl");
	ok(strcmp(l->cgroups_path, "/brig/test") == 0 && l->n_devices == 2 &&
	       l->devices[0].type == 'c' && l->devices[0].major == 10 &&
	       l->devices[0].minor == 229 && l->devices[0].has_file_mode &&
	       l->devices[0].file_mode == 0666 && l->devices[0].has_uid &&
	       l->devices[1].type == 'p' && !l->devices[1].has_file_mode,
	   "linux.cgroupsPath, devices");
	ok(l->rootfs_propagation == (MS_SLAVE | MS_REC) && l->masked_paths.n == 2 &&
	       l->readonly_paths.n == 1 && strncmp(l->mount_label, "system_u", 8) == 0,
	   "linux: propagation, masked/readonly, mountLabel");
	ok(l->has_personality && l->personality == PER_LINUX32 && l->n_time_offsets == 2 &&
	       l->time_offsets[0].secs == -10 && l->time_offsets[0].nanosecs == 5 &&
	       strcmp(l->time_offsets[1].clock, "boottime") == 0,
	   "linux: personality, timeOffsets");
	ok(l->has_intel_rdt && strcmp(l->intel_rdt_clos_id, "grp") == 0 && l->n_net_devices == 2 &&
	       strcmp(l->net_devices[0].host_name, "eth1") == 0 &&
	       strcmp(l->net_devices[0].name, "ceth0") == 0 && l->net_devices[1].name == NULL,
	   "linux: intelRdt, netDevices");
}

static void
check_resources(const struct cfg_resources *r)
{
	ok(r->present && r->n_devices == 2 && !r->devices[0].allow && r->devices[0].type == 'a' &&
	       r->devices[0].major == -1 && r->devices[1].allow && r->devices[1].type == 'c' &&
	       r->devices[1].minor == 3 && strcmp(r->devices[1].access, "rw") == 0,
	   "resources.devices");
	ok(r->memory.has_limit && r->memory.limit == 536870912 && r->memory.reservation == -1 &&
	       r->memory.has_swappiness && r->memory.swappiness == 60 &&
	       r->memory.disable_oom_killer && !r->memory.has_kernel,
	   "resources.memory");
	ok(r->cpu.shares == 1024 && r->cpu.quota == 50000 && r->cpu.period == 100000 &&
	       strcmp(r->cpu.cpus, "0-3,5") == 0 && strcmp(r->cpu.mems, "0") == 0 &&
	       r->cpu.has_idle && r->cpu.idle == 1 && !r->cpu.has_burst,
	   "resources.cpu");
	ok(r->pids.has_limit && r->pids.limit == 100, "resources.pids");
	ok(r->block_io.has_weight && r->block_io.weight == 500 &&
	       r->block_io.n_weight_device == 1 && r->block_io.weight_device[0].weight == 300 &&
	       r->block_io.n_throttle_read_bps == 1 &&
	       r->block_io.throttle_read_bps[0].rate == 1048576 &&
	       r->block_io.n_throttle_write_iops == 1 &&
	       r->block_io.throttle_write_iops[0].minor == 16 &&
	       r->block_io.n_throttle_write_bps == 0,
	   "resources.blockIO");
	ok(r->n_hugepage_limits == 2 && strcmp(r->hugepage_limits[1].page_size, "1GB") == 0 &&
	       r->network.has_class_id && r->network.class_id == 1048577 &&
	       r->network.n_priorities == 1 && r->network.priorities[0].priority == 500,
	   "resources: hugepageLimits, network");
	ok(r->n_rdma == 1 && strcmp(r->rdma[0].device, "mlx5_1") == 0 &&
	       r->rdma[0].hca_objects == 10000 && r->n_unified == 2 &&
	       strcmp(r->unified[1].value, "default 100") == 0,
	   "resources: rdma, unified");
}

static void
check_seccomp(const struct cfg_seccomp *s)
{
	ok(s->present && s->default_action == SCMP_ACT_ERRNO(0) && s->has_default_errno_ret &&
	       s->default_errno_ret == 1 && s->architectures.n == 3 && s->flags.n == 1 &&
	       strcmp(s->listener_path, "/run/seccomp.sock") == 0,
	   "seccomp: default action, arches, flags, listener");
	ok(s->n_syscalls == 3 && s->syscalls[0].names.n == 3 &&
	       s->syscalls[0].action == SCMP_ACT_ALLOW && s->syscalls[2].action == SCMP_ACT_NOTIFY,
	   "seccomp.syscalls (unknown syscall name kept)");
	ok(s->n_syscalls == 3 && s->syscalls[1].has_errno_ret && s->syscalls[1].errno_ret == 38 &&
	       s->syscalls[1].n_args == 2 && s->syscalls[1].args[0].value == 4294967295u &&
	       s->syscalls[1].args[0].op == SCMP_CMP_EQ && s->syscalls[1].args[1].index == 5 &&
	       s->syscalls[1].args[1].value == UINT64_MAX &&
	       s->syscalls[1].args[1].op == SCMP_CMP_MASKED_EQ,
	   "seccomp.syscalls[1].args");
}

static void
test_full(void)
{
	struct config *c = NULL;
	struct brig_err err;
	int r = parse(full_doc, &c, &err);

	ok(r == 0 && c != NULL, "full document parses");
	if (r < 0) {
		printf("# %s\n", err.msg);
		return;
	}
	ok(strcmp(c->oci_version, "1.2.0") == 0 && strcmp(c->root.path, "rootfs") == 0 &&
	       c->root.readonly && strcmp(c->hostname, "box") == 0 &&
	       strcmp(c->domainname, "example.org") == 0,
	   "top level: ociVersion, root, hostname, domainname");
	ok(c->n_annotations == 2 && strcmp(config_annotation(c, "run.oci.handler"), "vm") == 0 &&
	       config_annotation(c, "nope") == NULL,
	   "annotations, config_annotation");
	check_process(&c->process);
	check_mounts(c);
	check_hooks(&c->hooks);
	check_linux(c);
	check_resources(&c->linux.resources);
	check_seccomp(&c->linux.seccomp);
	config_free(c);
}

/* ---- documents that must be refused ---- */

#define HEAD "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}"
#define PROC(x) HEAD ",\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"" x "}}"
#define LINUX(x) HEAD ",\"linux\":{" x "}}"
#define RES(x) LINUX("\"resources\":{" x "}")
#define SECCOMP(x) LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"" x "}")
#define NS_ALL "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]"

static const struct bad_case {
	const char *name;
	const char *doc;
	const char *expect; /* substring of the error */
} bad_cases[] = {
    {"empty document", "", "invalid JSON"},
    {"trailing garbage", HEAD "} x", "invalid JSON"},
    {"top level array", "[]", "config.json: must be a JSON object"},
    {"no ociVersion", "{\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: required"},
    {"ociVersion null", "{\"ociVersion\":null,\"root\":{\"path\":\"r\"}}", "ociVersion: required"},
    {"root not object", "{\"ociVersion\":\"1\",\"root\":\"r\"}", "root: must be an object \"r\""},
    {"root.path empty", "{\"ociVersion\":\"1\",\"root\":{\"path\":\"\"}}",
     "root.path: must not be empty"},
    {"root.readonly string", "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\",\"readonly\":\"y\"}}",
     "root.readonly: must be true or false \"y\""},
    {"process not object", HEAD ",\"process\":[]}", "process: must be an object"},
    {"process.args missing", HEAD ",\"process\":{\"cwd\":\"/\"}}", "process.args: required"},
    {"process.args empty", PROC(",\"args\":[]"),
     "config.json: process.args: must be a non-empty array of strings"},
    {"process.args element", PROC(",\"args\":[\"a\",null]"), "process.args[1]: must be a string"},
    {"process.cwd missing", HEAD ",\"process\":{\"args\":[\"a\"]}}", "process.cwd: required"},
    {"process.cwd relative", PROC(",\"cwd\":\"tmp\""),
     "process.cwd: must be an absolute path \"tmp\""},
    {"process.env no =", PROC(",\"env\":[\"A=1\",\"B\"]"),
     "process.env[1]: must be NAME=VALUE \"B\""},
    {"process.env empty name", PROC(",\"env\":[\"=x\"]"), "process.env[0]"},
    {"uid negative", PROC(",\"user\":{\"uid\":-1,\"gid\":0}"),
     "process.user.uid: must not be negative \"-1\""},
    {"uid float", PROC(",\"user\":{\"uid\":1.5,\"gid\":0}"),
     "process.user.uid: must be an integer \"1.5\""},
    {"uid exponent", PROC(",\"user\":{\"uid\":1e3,\"gid\":0}"),
     "process.user.uid: must be an integer"},
    {"gid 2^32", PROC(",\"user\":{\"uid\":0,\"gid\":4294967296}"),
     "process.user.gid: out of range"},
    {"gid huge", PROC(",\"user\":{\"uid\":0,\"gid\":99999999999999999999999}"),
     "process.user.gid: out of range"},
    {"umask 0o1000", PROC(",\"user\":{\"umask\":512}"), "process.user.umask: out of range"},
    {"additionalGids element", PROC(",\"user\":{\"additionalGids\":[1,\"x\"]}"),
     "process.user.additionalGids[1]: must be an integer \"x\""},
    {"unknown capability", PROC(",\"capabilities\":{\"effective\":[\"CAP_KILL\",\"CAP_FOO\"]}"),
     "process.capabilities.effective[1]: unknown capability \"CAP_FOO\""},
    {"capability lower case", PROC(",\"capabilities\":{\"ambient\":[\"cap_kill\"]}"),
     "process.capabilities.ambient[0]: unknown capability"},
    {"rlimit unknown", PROC(",\"rlimits\":[{\"type\":\"RLIMIT_X\",\"soft\":1,\"hard\":1}]"),
     "process.rlimits[0].type: unknown rlimit \"RLIMIT_X\""},
    {"rlimit soft > hard",
     PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]"),
     "process.rlimits[0].soft: greater than hard \"2\""},
    {"rlimit duplicate",
     PROC(",\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":1,\"hard\":1},"
          "{\"type\":\"RLIMIT_AS\",\"soft\":1,\"hard\":1}]"),
     "process.rlimits[1].type: duplicate rlimit"},
    {"rlimit no hard", PROC(",\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":1}]"),
     "process.rlimits[0].hard: required"},
    {"oomScoreAdj range", PROC(",\"oomScoreAdj\":-1001"), "process.oomScoreAdj: out of range"},
    {"terminal number", PROC(",\"terminal\":1"), "process.terminal: must be true or false \"1\""},
    {"consoleSize no height", PROC(",\"consoleSize\":{\"width\":80}"),
     "process.consoleSize.height: required"},
    {"ioPriority class", PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_X\"}"),
     "process.ioPriority.class: unknown class"},
    {"ioPriority level", PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}"),
     "process.ioPriority.priority: out of range"},
    {"scheduler policy", PROC(",\"scheduler\":{\"policy\":\"SCHED_FAST\"}"),
     "process.scheduler.policy: unknown scheduler policy"},
    {"scheduler nice", PROC(",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":20}"),
     "process.scheduler.nice: out of range"},
    {"execCPUAffinity", PROC(",\"execCPUAffinity\":{\"initial\":\"3-1\"}"),
     "process.execCPUAffinity.initial: invalid list"},
    {"hostname without uts", HEAD ",\"hostname\":\"h\"}", "hostname: requires a new uts namespace"},
    {"hostname too long",
     HEAD ",\"hostname\":\""
          "0123456789012345678901234567890123456789"
          "0123456789012345678901234\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}}",
     "hostname: longer than 64 characters"},
    {"mounts not array", HEAD ",\"mounts\":{}}", "mounts: must be an array"},
    {"mount relative",
     HEAD ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
          "{\"destination\":\"/b\",\"type\":\"tmpfs\"},{\"destination\":\"/c\",\"type\":\"tmpfs\"},"
          "{\"destination\":\"proc\",\"type\":\"proc\"}]}",
     "config.json: mounts[3].destination: must be an absolute path \"proc\""},
    {"mount no destination", HEAD ",\"mounts\":[{\"type\":\"proc\"}]}",
     "mounts[0].destination: required"},
    {"mount no type", HEAD ",\"mounts\":[{\"destination\":\"/x\",\"source\":\"x\"}]}",
     "mounts[0].type: required"},
    {"bind no source", HEAD ",\"mounts\":[{\"destination\":\"/x\",\"options\":[\"bind\"]}]}",
     "mounts[0].source: required for a bind mount"},
    {"mount option number",
     HEAD ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
          "\"options\":[\"ro\",1]}]}",
     "mounts[0].options[1]: must be a string"},
    {"mount idmap size",
     HEAD ",\"mounts\":[{\"destination\":\"/x\",\"source\":\"/y\","
          "\"options\":[\"bind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":0}]}]}",
     "mounts[0].uidMappings[0].size: out of range"},
    {"hook relative", HEAD ",\"hooks\":{\"poststart\":[{\"path\":\"x\"}]}}",
     "hooks.poststart[0].path: must be an absolute path \"x\""},
    {"hook timeout",
     HEAD ",\"hooks\":{\"createRuntime\":[{\"path\":\"/x\"},{\"path\":\"/y\","
          "\"timeout\":-3}]}}",
     "hooks.createRuntime[1].timeout: must be greater than zero \"-3\""},
    {"annotation value", HEAD ",\"annotations\":{\"k\":1}}",
     "annotations[\"k\"]: must be a string \"1\""},
    {"namespace unknown",
     LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
           "{\"type\":\"foo\"}]"),
     "config.json: linux.namespaces[2].type: unknown namespace \"foo\""},
    {"namespace duplicate", LINUX("\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"ipc\"}]"),
     "linux.namespaces[1].type: duplicate namespace \"ipc\""},
    {"namespace \"net\"", LINUX("\"namespaces\":[{\"type\":\"net\"}]"),
     "linux.namespaces[0].type: unknown namespace \"net\""},
    {"namespace path", LINUX("\"namespaces\":[{\"type\":\"network\",\"path\":\"x\"}]"),
     "linux.namespaces[0].path: must be an absolute path"},
    {"mappings without userns",
     LINUX("\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]"),
     "linux.gidMappings: requires a new user namespace"},
    {"mapping overflow",
     LINUX("\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":["
           "{\"containerID\":4294967295,\"hostID\":0,\"size\":2}]"),
     "linux.uidMappings[0].size: range overflows"},
    {"mapping missing hostID",
     LINUX("\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":["
           "{\"containerID\":0,\"size\":2}]"),
     "linux.uidMappings[0].hostID: required"},
    {"sysctl net without netns", LINUX(NS_ALL ",\"sysctl\":{\"net.core.somaxconn\":\"1\"}"),
     "linux.sysctl[\"net.core.somaxconn\"]: requires a new network namespace"},
    {"sysctl ipc without ipcns", LINUX(NS_ALL ",\"sysctl\":{\"fs.mqueue.msg_max\":\"1\"}"),
     "linux.sysctl[\"fs.mqueue.msg_max\"]: requires a new ipc namespace"},
    {"sysctl hostname without uts", LINUX(NS_ALL ",\"sysctl\":{\"kernel.domainname\":\"d\"}"),
     "linux.sysctl[\"kernel.domainname\"]: requires a new uts namespace"},
    {"sysctl bad name", LINUX("\"sysctl\":{\"net/../../x\":\"1\"}"), "invalid sysctl name"},
    {"device type",
     LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"cc\",\"major\":1,\"minor\":1}]"),
     "linux.devices[0].type: unknown device type"},
    {"device path relative", LINUX("\"devices\":[{\"path\":\"dev/x\",\"type\":\"c\"}]"),
     "linux.devices[0].path: must be an absolute path"},
    {"device minor missing",
     LINUX("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"b\",\"major\":8}]"),
     "linux.devices[0].minor: required"},
    {"rootfsPropagation", LINUX("\"rootfsPropagation\":\"rshared \""),
     "linux.rootfsPropagation: unknown propagation"},
    {"readonlyPaths relative", LINUX("\"readonlyPaths\":[\"/a\",\"b\"]"),
     "linux.readonlyPaths[1]: must be an absolute path \"b\""},
    {"personality domain", LINUX("\"personality\":{\"domain\":\"linux\"}"),
     "linux.personality.domain: unknown personality domain"},
    {"timeOffsets clock",
     LINUX("\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{"
           "\"realtime\":{\"secs\":1}}"),
     "linux.timeOffsets.realtime: unknown clock"},
    {"timeOffsets nanosecs",
     LINUX("\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{"
           "\"boottime\":{\"nanosecs\":1000000000}}"),
     "linux.timeOffsets.boottime.nanosecs: out of range"},
    {"netDevices key", LINUX("\"netDevices\":{\"0123456789abcdef\":{}}"),
     "linux.netDevices[\"0123456789abcdef\"]: invalid interface name"},
    {"intelRdt closID", LINUX("\"intelRdt\":{\"closID\":5}"),
     "linux.intelRdt.closID: must be a string"},
    {"intelRdt closID path", LINUX("\"intelRdt\":{\"closID\":\"../x\"}"),
     "linux.intelRdt.closID: invalid resctrl group name \"../x\""},
    {"res device allow missing", RES("\"devices\":[{\"access\":\"r\"}]"),
     "linux.resources.devices[0].allow: required"},
    {"res device type", RES("\"devices\":[{\"allow\":true,\"type\":\"p\"}]"),
     "linux.resources.devices[0].type: unknown device type"},
    {"res device access dup", RES("\"devices\":[{\"allow\":true,\"access\":\"rr\"}]"),
     "linux.resources.devices[0].access: must be a subset"},
    {"memory limit -2", RES("\"memory\":{\"limit\":-2}"),
     "linux.resources.memory.limit: out of range"},
    {"memory swappiness", RES("\"memory\":{\"swappiness\":101}"),
     "linux.resources.memory.swappiness: out of range"},
    {"cpu shares -1", RES("\"cpu\":{\"shares\":-1}"),
     "linux.resources.cpu.shares: must not be negative"},
    {"blockIO weight 5", RES("\"blockIO\":{\"weight\":5}"),
     "linux.resources.blockIO.weight: out of range"},
    {"cpu quota", RES("\"cpu\":{\"quota\":-5}"), "linux.resources.cpu.quota: out of range"},
    {"cpu mems", RES("\"cpu\":{\"mems\":\"0,,1\"}"), "linux.resources.cpu.mems: invalid list"},
    {"pids limit string", RES("\"pids\":{\"limit\":\"10\"}"),
     "linux.resources.pids.limit: must be an integer \"10\""},
    {"blockIO leafWeight", RES("\"blockIO\":{\"leafWeight\":1001}"),
     "linux.resources.blockIO.leafWeight: out of range"},
    {"blockIO throttle",
     RES("\"blockIO\":{\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0}]}"),
     "linux.resources.blockIO.throttleWriteBpsDevice[0].rate: required"},
    {"hugepage size", RES("\"hugepageLimits\":[{\"pageSize\":\"2mb\",\"limit\":1}]"),
     "linux.resources.hugepageLimits[0].pageSize: invalid page size"},
    {"network priority", RES("\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":-1}]}"),
     "linux.resources.network.priorities[0].priority: must not be negative"},
    {"rdma value", RES("\"rdma\":{\"mlx\":{\"hcaHandles\":true}}"),
     "linux.resources.rdma[\"mlx\"].hcaHandles: must be an integer"},
    {"unified slash", RES("\"unified\":{\"memory/max\":\"1\"}"),
     "linux.resources.unified[\"memory/max\"]: invalid cgroup file name"},
    {"unified no dot", RES("\"unified\":{\"cgroup\":\"1\"}"),
     "linux.resources.unified[\"cgroup\"]: invalid cgroup file name"},
    {"seccomp no default", LINUX("\"seccomp\":{}"), "linux.seccomp.defaultAction: required"},
    {"seccomp default action", LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOWED\"}"),
     "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_ALLOWED\""},
    {"seccomp arch", SECCOMP(",\"architectures\":[\"SCMP_ARCH_X86_64\",\"x86_64\"]"),
     "linux.seccomp.architectures[1]: unknown architecture \"x86_64\""},
    {"seccomp flag", SECCOMP(",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]"),
     "linux.seccomp.flags[0]: unknown seccomp flag"},
    {"seccomp listenerPath", SECCOMP(",\"listenerPath\":\"sock\""),
     "linux.seccomp.listenerPath: must be an absolute path"},
    {"seccomp syscall names", SECCOMP(",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_LOG\"}]"),
     "linux.seccomp.syscalls[0].names: must be a non-empty array of strings"},
    {"seccomp syscall action",
     SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"KILL\"}]"),
     "linux.seccomp.syscalls[0].action: unknown seccomp action \"KILL\""},
    {"seccomp arg op",
     SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
             "\"args\":[{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_XOR\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XOR\""},
    {"seccomp arg index",
     SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
             "\"args\":[{\"index\":6,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].index: out of range"},
    {"seccomp arg value",
     SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\","
             "\"args\":[{\"index\":0,\"value\":18446744073709551616,"
             "\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].value: out of range"},
    {"seccomp errnoRet",
     SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
             "\"errnoRet\":65536}]"),
     "linux.seccomp.syscalls[0].errnoRet: out of range"},
};

static void
test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct config *c = NULL;
		struct brig_err err;
		char name[160];
		int r = parse(b->doc, &c, &err);
		bool good = r < 0 && c == NULL && strstr(err.msg, b->expect) != NULL;

		snprintf(name, sizeof(name), "refused: %s", b->name);
		ok(good, name);
		if (!good)
			printf("#   got %s\n#   want %s\n", r < 0 ? err.msg : "success", b->expect);
		config_free(c);
	}
}

/* ---- odd inputs ---- */

static void
test_misc(void)
{
	static const char minimal[] = HEAD "}";
	static const char dup_keys[] = "{\"ociVersion\":\"1\",\"ociVersion\":\"2\","
	                               "\"root\":{\"path\":\"r\"}}";
	struct config *c = NULL;
	struct brig_err err;
	char nul_doc[] = HEAD "}";

	ok(parse(minimal, &c, &err) == 0 && !c->process.present && c->n_mounts == 0 &&
	       config_namespace(c, CFG_NS_PID) == NULL,
	   "minimal document: no process, no linux");
	config_free(c);
	c = NULL;
	ok(parse(dup_keys, &c, &err) == 0 && strcmp(c->oci_version, "2") == 0,
	   "duplicate key: the last one wins");
	config_free(c);
	c = NULL;
	nul_doc[5] = '\0';
	ok(config_parse(nul_doc, sizeof(nul_doc) - 1, &c, &err) < 0 && c == NULL &&
	       strstr(err.msg, "NUL") != NULL,
	   "embedded NUL refused");
	config_free(NULL);
	ok(true, "config_free(NULL)");
}

/* ---- config_load through a directory fd ---- */

static int
write_file(int dirfd, const char *name, const char *data, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool good;

	if (fd < 0)
		return -1;
	good = write(fd, data, len) == (ssize_t) len;
	close(fd);
	return good ? 0 : -1;
}

static void
test_load(void)
{
	char tmpl[] = "/tmp/brig-test-config.XXXXXX";
	struct config *c = NULL;
	struct brig_err err;
	size_t big = (4u << 20) + 1;
	char *buf;
	int dirfd;

	if (mkdtemp(tmpl) == NULL) {
		ok(false, "config_load: mkdtemp");
		return;
	}
	dirfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok(config_load(dirfd, &c, &err) < 0 && err.errnum == ENOENT &&
	       strncmp(err.msg, "config.json", 11) == 0,
	   "config_load: missing file");
	write_file(dirfd, "config.json", full_doc, strlen(full_doc));
	ok(config_load(dirfd, &c, &err) == 0 && c != NULL && c->n_mounts == 6,
	   "config_load: reads the bundle's config.json");
	config_free(c);
	c = NULL;
	buf = malloc(big);
	memset(buf, ' ', big);
	memcpy(buf, HEAD "}", strlen(HEAD "}"));
	write_file(dirfd, "config.json", buf, big);
	free(buf);
	ok(config_load(dirfd, &c, &err) < 0 && c == NULL && strstr(err.msg, "larger than") != NULL,
	   "config_load: refuses more than 4 MiB");
	unlinkat(dirfd, "config.json", 0);
	mkdirat(dirfd, "config.json", 0700);
	ok(config_load(dirfd, &c, &err) < 0 && c == NULL, "config_load: a directory is refused");
	unlinkat(dirfd, "config.json", AT_REMOVEDIR);
	close(dirfd);
	rmdir(tmpl);
}

/* ---- the integration test data ---- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t) n + 1);
	*len = fread(buf, 1, (size_t) n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static void
check_invalid_file(const char *dir, const char *name)
{
	char path[2 * PATH_MAX], tname[PATH_MAX];
	struct config *c = NULL;
	struct brig_err err;
	size_t len = 0, elen = 0;
	char *doc, *expect;
	bool good;
	int r;

	snprintf(path, sizeof(path), "%.*s/%s", PATH_MAX, dir, name);
	doc = slurp(path, &len);
	snprintf(path + strlen(path) - 5, 8, ".expect");
	expect = slurp(path, &elen);
	while (expect != NULL && elen > 0 && (expect[elen - 1] == '\n' || expect[elen - 1] == ' '))
		expect[--elen] = '\0';
	brig_err_clear(&err);
	r = doc != NULL ? config_parse(doc, len, &c, &err) : 0;
	good = doc != NULL && expect != NULL && elen > 0 && r < 0 &&
	       strncmp(err.msg, "config.json: ", 13) == 0 && strstr(err.msg, expect) != NULL;
	snprintf(tname, sizeof(tname), "testdata/invalid/%s", name);
	ok(good, tname);
	if (!good)
		printf("#   got %s\n#   want %s\n", r < 0 ? err.msg : "success",
		       expect ? expect : "(no .expect)");
	config_free(c);
	free(doc);
	free(expect);
}

/* The data lives in the source tree; meson builds this file by a path
 * relative to the build directory and runs the test from there. */
static const char *
testdata_dir(char *buf, size_t size)
{
	const char *env = getenv("BRIG_CONFIG_TESTDATA");
	const char *slash = strrchr(__FILE__, '/');

	if (env != NULL)
		return env;
	snprintf(buf, size, "%.*s/../integration/testdata/invalid",
	         slash ? (int) (slash - __FILE__) : 1, slash ? __FILE__ : ".");
	return buf;
}

static void
test_invalid_files(void)
{
	char buf[PATH_MAX];
	const char *dir = testdata_dir(buf, sizeof(buf));
	struct dirent **names;
	int n = scandir(dir, &names, is_json, by_name);

	ok(n >= 32, "testdata/invalid: at least 32 documents");
	if (n < 0) {
		printf("#   %s: %s\n", dir, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		check_invalid_file(dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

int
main(void)
{
	test_full();
	test_bad();
	test_misc();
	test_load();
	test_invalid_files();
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
