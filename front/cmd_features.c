/* cmd_features.c - `brig features`: what this runtime implements, as the
 * runtime-spec features document (features.md, features-linux.md).
 *
 * Callers such as containerd and podman read it to decide what they may
 * put in a config, so it must stay truthful: a feature brig does not
 * implement yet is reported {"enabled": false}, never left for a caller
 * to guess.  When a helper lands (brig-cgroup, brig-seccomp), its entry
 * here changes with it.
 */
#include <getopt.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "front/cli.h"

static void
features_gen_free(yajl_gen *gen)
{
	if (*gen != NULL)
		yajl_gen_free(*gen);
}
#define cleanup_yajl_gen __attribute__((cleanup(features_gen_free)))

#define FEATURES_N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const features_hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* The option names the config parser turns into mount flags or
 * propagation; data options (mode=, size=, ...) go to the filesystem and
 * are not listed, as in runc.  Not here yet: recursive attributes (rro,
 * rnosuid, ...: mount_setattr with AT_RECURSIVE), tmpcopyup and idmap. */
static const char *const features_mount_options[] = {
    "async",       "atime",       "bind",       "dev",        "diratime",
    "dirsync",     "exec",        "mand",       "noatime",    "nodev",
    "nodiratime",  "noexec",      "nomand",     "norelatime", "nostrictatime",
    "nosuid",      "nosymfollow", "private",    "rbind",      "relatime",
    "remount",     "ro",          "rprivate",   "rshared",    "rslave",
    "runbindable", "rw",          "shared",     "slave",      "strictatime",
    "suid",        "sync",        "unbindable",
};

static const char *const features_namespaces[] = {
    "cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time",
};

/* Indexed by capability number, so the list is in kernel order as runc
 * prints it.  A kernel header with a newer capability stops the build
 * here rather than leaving a hole in the list. */
#define FEATURES_CAP(name) [CAP_##name] = "CAP_" #name
_Static_assert(CAP_LAST_CAP == CAP_CHECKPOINT_RESTORE,
               "linux/capability.h has a new capability: add its name below");
static const char *const features_caps[CAP_LAST_CAP + 1] = {
    FEATURES_CAP(CHOWN),
    FEATURES_CAP(DAC_OVERRIDE),
    FEATURES_CAP(DAC_READ_SEARCH),
    FEATURES_CAP(FOWNER),
    FEATURES_CAP(FSETID),
    FEATURES_CAP(KILL),
    FEATURES_CAP(SETGID),
    FEATURES_CAP(SETUID),
    FEATURES_CAP(SETPCAP),
    FEATURES_CAP(LINUX_IMMUTABLE),
    FEATURES_CAP(NET_BIND_SERVICE),
    FEATURES_CAP(NET_BROADCAST),
    FEATURES_CAP(NET_ADMIN),
    FEATURES_CAP(NET_RAW),
    FEATURES_CAP(IPC_LOCK),
    FEATURES_CAP(IPC_OWNER),
    FEATURES_CAP(SYS_MODULE),
    FEATURES_CAP(SYS_RAWIO),
    FEATURES_CAP(SYS_CHROOT),
    FEATURES_CAP(SYS_PTRACE),
    FEATURES_CAP(SYS_PACCT),
    FEATURES_CAP(SYS_ADMIN),
    FEATURES_CAP(SYS_BOOT),
    FEATURES_CAP(SYS_NICE),
    FEATURES_CAP(SYS_RESOURCE),
    FEATURES_CAP(SYS_TIME),
    FEATURES_CAP(SYS_TTY_CONFIG),
    FEATURES_CAP(MKNOD),
    FEATURES_CAP(LEASE),
    FEATURES_CAP(AUDIT_WRITE),
    FEATURES_CAP(AUDIT_CONTROL),
    FEATURES_CAP(SETFCAP),
    FEATURES_CAP(MAC_OVERRIDE),
    FEATURES_CAP(MAC_ADMIN),
    FEATURES_CAP(SYSLOG),
    FEATURES_CAP(WAKE_ALARM),
    FEATURES_CAP(BLOCK_SUSPEND),
    FEATURES_CAP(AUDIT_READ),
    FEATURES_CAP(PERFMON),
    FEATURES_CAP(BPF),
    FEATURES_CAP(CHECKPOINT_RESTORE),
};

static void
features_str(yajl_gen gen, const char *s)
{
	yajl_gen_string(gen, (const unsigned char *) s, strlen(s));
}

static void
features_key_strs(yajl_gen gen, const char *key, const char *const *values, size_t n)
{
	features_str(gen, key);
	yajl_gen_array_open(gen);
	for (size_t i = 0; i < n; i++)
		features_str(gen, values[i]);
	yajl_gen_array_close(gen);
}

/* "key": { "enabled": false } */
static void
features_disabled(yajl_gen gen, const char *key)
{
	features_str(gen, key);
	yajl_gen_map_open(gen);
	features_str(gen, "enabled");
	yajl_gen_bool(gen, false);
	yajl_gen_map_close(gen);
}

/* Cgroups wait for brig-cgroup: until then no driver is offered. */
static void
features_cgroup(yajl_gen gen)
{
	static const char *const drivers[] = {"v1", "v2", "systemd", "systemdUser", "rdma"};

	features_str(gen, "cgroup");
	yajl_gen_map_open(gen);
	for (size_t i = 0; i < FEATURES_N(drivers); i++) {
		features_str(gen, drivers[i]);
		yajl_gen_bool(gen, false);
	}
	yajl_gen_map_close(gen);
}

/* linux.seccomp: what the parser accepts and brig-seccomp compiles. */
static const char *const features_sc_actions[] = {
    "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};
static const char *const features_sc_ops[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};
static const char *const features_sc_archs[] = {
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
};
static const char *const features_sc_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static void
features_seccomp(yajl_gen gen)
{
	features_str(gen, "seccomp");
	yajl_gen_map_open(gen);
	features_str(gen, "enabled");
	yajl_gen_bool(gen, true);
	features_key_strs(gen, "actions", features_sc_actions, FEATURES_N(features_sc_actions));
	features_key_strs(gen, "operators", features_sc_ops, FEATURES_N(features_sc_ops));
	features_key_strs(gen, "archs", features_sc_archs, FEATURES_N(features_sc_archs));
	features_key_strs(gen, "knownFlags", features_sc_flags, FEATURES_N(features_sc_flags));
	features_key_strs(gen, "supportedFlags", features_sc_flags, FEATURES_N(features_sc_flags));
	yajl_gen_map_close(gen);
}

static void
features_linux(yajl_gen gen)
{
	features_str(gen, "linux");
	yajl_gen_map_open(gen);
	features_key_strs(gen, "namespaces", features_namespaces, FEATURES_N(features_namespaces));
	features_key_strs(gen, "capabilities", features_caps, FEATURES_N(features_caps));
	features_cgroup(gen);
	features_seccomp(gen);
	features_disabled(gen, "apparmor");
	features_disabled(gen, "selinux");
	features_disabled(gen, "intelRdt");
	/* linux.netDevices: brig-net moves and renames them. */
	features_str(gen, "netDevices");
	yajl_gen_map_open(gen);
	features_str(gen, "enabled");
	yajl_gen_bool(gen, true);
	yajl_gen_map_close(gen);
	features_str(gen, "mountExtensions");
	yajl_gen_map_open(gen);
	features_disabled(gen, "idmap");
	yajl_gen_map_close(gen);
	yajl_gen_map_close(gen);
}

static void
features_document(yajl_gen gen)
{
	yajl_gen_map_open(gen);
	features_str(gen, "ociVersionMin");
	features_str(gen, "1.0.0");
	features_str(gen, "ociVersionMax");
	features_str(gen, "1.2.0");
	features_key_strs(gen, "hooks", features_hooks, FEATURES_N(features_hooks));
	features_key_strs(gen, "mountOptions", features_mount_options,
	                  FEATURES_N(features_mount_options));
	features_linux(gen);
	features_str(gen, "annotations");
	yajl_gen_map_open(gen);
	features_str(gen, "run.brig.version");
	features_str(gen, BRIG_VERSION);
	/* The handlers, as crun lists its own: the value is what brig
	 * accepts (create_vm.c). */
	features_str(gen, "run.oci.handler");
	features_str(gen, "vm");
	features_str(gen, "run.brig.vm.kernel");
	features_str(gen, "PATH of a bzImage");
	features_str(gen, "run.brig.vm.accel");
	features_str(gen, "auto|kvm|tcg");
	features_str(gen, "run.brig.vm.fs");
	features_str(gen, "9p|virtiofs");
	yajl_gen_map_close(gen);
	yajl_gen_map_close(gen);
}

static int
features_print(void)
{
	cleanup_yajl_gen yajl_gen gen = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (gen == NULL) {
		brig_log_errorf("features: out of memory");
		return 1;
	}
	yajl_gen_config(gen, yajl_gen_beautify, 1);
	yajl_gen_config(gen, yajl_gen_indent_string, "    ");
	features_document(gen);
	if (yajl_gen_get_buf(gen, &buf, &len) != yajl_gen_status_ok) {
		brig_log_errorf("features: json generator error");
		return 1;
	}
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
		brig_log_errorf("features: write to stdout failed");
		return 1;
	}
	return 0;
}

static const struct option features_options[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int
cmd_features(struct brig_global *g, int argc, char **argv)
{
	int c;

	(void) g;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", features_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: brig features\n"
			       "\n"
			       "Print the runtime-spec features document (JSON): the OCI\n"
			       "versions, hooks, mount options, namespaces, capabilities and\n"
			       "Linux features this brig implements.\n");
			return 0;
		default:
			brig_log_errorf("features: unknown option %s (see brig features --help)",
			                argv[optind - 1]);
			return 1;
		}
	}
	if (optind < argc) {
		brig_log_errorf("features: unexpected argument \"%s\"", argv[optind]);
		return 1;
	}
	return features_print();
}
