#!/bin/bash
# helpers.bash - shared setup for brig's bats integration tests.
#
# Every test gets its own state root ($ROOT), bundle ($BUNDLE) with a busybox
# rootfs, and container id ($CT).  The runtime under test is $RUNTIME, which
# defaults to the build tree's brig; RUNTIME=runc runs the same tests
# against runc, to show that they check behaviour and not brig's quirks.
# A test that checks something only brig does calls requires_brig.
#
# Tests run real containers as root, or rootless as an unprivileged user
# (tests/rootless/run): then every config gets a user namespace mapping
# the user to root (see rootless_config), the state root lives under
# $XDG_RUNTIME_DIR, and a test that cannot pass without host root calls
# requires_root REASON first.  Every container's cgroup goes under a
# parent owned by the test run (see rt and auto_cgroup_path); cgroups.bats
# tests the limits themselves.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BRIG=${BRIG:-$REPO/build/front/brig}
RUNTIME=${RUNTIME:-$BRIG}
: "${BRIG_HELPER_DIR:=$REPO/build/helpers}"
export BRIG_HELPER_DIR

# The busybox rootfs is built once and copied into each test's bundle.
# Bump the version when build_rootfs changes so a stale cache is not used.
ROOTFS_VERSION=3
ROOTFS_CACHE=${BRIG_TEST_ROOTFS:-/tmp/brig-test-rootfs-$UID/v$ROOTFS_VERSION}

is_brig() {
	[ "$RUNTIME" = "$BRIG" ]
}

requires_brig() {
	is_brig || skip "checks brig's own behaviour (RUNTIME=$RUNTIME)"
}

# Rootless: the tests run as a user other than root.
if [ "$(id -u)" -ne 0 ]; then
	ROOTLESS=1
else
	ROOTLESS=
fi

is_rootless() {
	[ -n "$ROOTLESS" ]
}

# requires_root REASON: skip, saying why, when running rootless.
requires_root() {
	if is_rootless; then
		skip "needs root: $*"
	fi
}

# rt ARGS...: the runtime under test with this test's state root.  A
# runtime that blocks (a lock held, a hook never fed its stdin) fails the
# test after RT_TIMEOUT seconds instead of hanging the suite.
rt() {
	case "${1:-}" in
	create | run) auto_cgroup_path "${*: -1}" ;;
	esac
	timeout --foreground -k 5 "${RT_TIMEOUT:-30}" "$RUNTIME" --root "$ROOT" "$@"
}

# Every container gets a cgroup (brig and runc make one when run as root).
# Unless a test chose its own cgroupsPath, put it under a parent that
# belongs to this test run, never at the top of a hierarchy:
# /brig-test-<run pid>/auto-<id>.  auto_cgroup_cleanup removes what is left.
# Rootless, a user can only make cgroups in a subtree delegated to it:
# BRIG_RL_CGROUP names one (tests/rootless/run makes it); without it no
# cgroupsPath is set.
AUTO_CG_PARENT=${BRIG_RL_CGROUP:-}/brig-test-$BATS_ROOT_PID
auto_cgroup_path() {
	local id=$1 cur
	[ -f "${BUNDLE:-}/config.json" ] || return 0
	if is_rootless && [ -z "${BRIG_RL_CGROUP:-}" ]; then
		return 0
	fi
	cur=$(jq -r '.linux.cgroupsPath // ""' "$BUNDLE/config.json")
	case "$cur" in
	"" | "$AUTO_CG_PARENT"/auto-*) ;;
	*) return 0 ;;
	esac
	jq --arg p "$AUTO_CG_PARENT/auto-$id" '.linux.cgroupsPath = $p' "$BUNDLE/config.json" \
		>"$BUNDLE/config.json.tmp" && mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
}

# Remove this run's automatic cgroups that are left (empty ones only:
# rmdir refuses a cgroup with processes) and their parent once empty.
auto_cgroup_cleanup() {
	local d
	for d in /sys/fs/cgroup/*"$AUTO_CG_PARENT"/auto-* /sys/fs/cgroup/*/"$AUTO_CG_PARENT"/auto-*; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	for d in /sys/fs/cgroup"$AUTO_CG_PARENT" /sys/fs/cgroup/*"$AUTO_CG_PARENT"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	return 0
}

# Build the cached rootfs: static busybox with every applet as a symlink,
# users root, nobody (65534) and test (1000), and the usual directories.
build_rootfs() {
	local dir=$1 applet

	mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,home/test,mnt,run,var}
	chmod 1777 "$dir/tmp"
	cp /bin/busybox "$dir/bin/busybox"
	for applet in $("$dir/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
	done
	ln -s bin "$dir/sbin"
	mkdir -p "$dir/usr"
	ln -s ../bin "$dir/usr/bin"
	cat >"$dir/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		test:x:1000:1000:test:/home/test:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$dir/etc/group" <<-'EOF'
		root:x:0:
		test:x:1000:
		extra:x:2000:test
		nogroup:x:65534:
	EOF
	# Rootless, a copy is owned by the user anyway (tests/rootless/setup
	# builds the rootless cache).
	is_rootless || chown 1000:1000 "$dir/home/test"
	echo "brig-test-rootfs" >"$dir/etc/hostname"
}

# The cache is shared by parallel runs: build under a lock into a temp
# directory and rename it into place.
ensure_rootfs() {
	[ -x "$ROOTFS_CACHE/bin/busybox" ] && return 0
	mkdir -p "$(dirname "$ROOTFS_CACHE")"
	(
		flock 9
		if [ ! -x "$ROOTFS_CACHE/bin/busybox" ]; then
			local tmp="$ROOTFS_CACHE.tmp.$$"
			rm -rf "$tmp"
			build_rootfs "$tmp"
			mv "$tmp" "$ROOTFS_CACHE"
		fi
	) 9>"$(dirname "$ROOTFS_CACHE")/lock"
}

# json_array ARGS...: a JSON array of strings, each argument kept whole
# (newlines included; jq's --args would take "-c" as its own option).
json_array() {
	local a='[]' x
	for x in "$@"; do
		a=$(jq -c --arg x "$x" '. + [$x]' <<<"$a")
	done
	echo "$a"
}

# base_config ARGS...: write $BUNDLE/config.json, modelled on `runc spec`
# (terminal off, root writable), with process.args = ARGS (default: true).
base_config() {
	local args
	if [ $# -eq 0 ]; then
		set -- true
	fi
	args=$(json_array "$@")
	jq -n --argjson args "$args" '
	def caps: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
	{
		ociVersion: "1.0.2",
		process: {
			terminal: false,
			user: {uid: 0, gid: 0},
			args: $args,
			env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			      "TERM=xterm"],
			cwd: "/",
			capabilities: {bounding: caps, effective: caps, inheritable: caps,
			               permitted: caps, ambient: caps},
			rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
			noNewPrivileges: true
		},
		root: {path: "rootfs", readonly: false},
		hostname: "brig-test",
		mounts: [
			{destination: "/proc", type: "proc", source: "proc"},
			{destination: "/dev", type: "tmpfs", source: "tmpfs",
			 options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
			{destination: "/dev/pts", type: "devpts", source: "devpts",
			 options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
			{destination: "/dev/shm", type: "tmpfs", source: "shm",
			 options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
			{destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
			 options: ["nosuid", "noexec", "nodev"]},
			{destination: "/sys", type: "sysfs", source: "sysfs",
			 options: ["nosuid", "noexec", "nodev", "ro"]}
		],
		linux: {
			namespaces: [{type: "pid"}, {type: "network"}, {type: "ipc"},
			             {type: "uts"}, {type: "mount"}],
			maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			              "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
			              "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
			readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
			                "/proc/sysrq-trigger"]
		}
	}' >"$BUNDLE/config.json"
	if is_rootless; then
		rootless_config
	fi
}

# rootless_config: a user namespace in which the user is root.  With
# BRIG_RL_IDMAP=wide (tests/rootless/run's default; the user needs a
# subordinate range) container ids 1..N map to the user's /etc/subuid and
# /etc/subgid range (the runtime needs newuidmap/newgidmap), so tests of
# uid 1000 or nobody run; with "single" only root is mapped, and devpts
# loses gid=5 (an unmapped group).
rootless_config() {
	local maps
	maps=$(jq -n --argjson uid "$(id -u)" --argjson gid "$(id -g)" \
		--arg wide "${BRIG_RL_IDMAP:-single}" \
		--argjson su "${BRIG_RL_SUBUID:-0}" --argjson sg "${BRIG_RL_SUBGID:-0}" \
		--argjson n "${BRIG_RL_SUBCOUNT:-0}" '
		def map(id; sub): [{containerID: 0, hostID: id, size: 1}] +
			(if $wide == "wide" and $n > 0
			 then [{containerID: 1, hostID: sub, size: $n}] else [] end);
		{u: map($uid; $su), g: map($gid; $sg)}')
	update_config '
		.linux.namespaces |= (map(select(.type != "user")) + [{type: "user"}])
		| .linux.uidMappings = $m.u | .linux.gidMappings = $m.g
		| if $wide == "wide" then . else
			.mounts |= map(if .type == "devpts"
				then .options |= map(select(. != "gid=5")) else . end)
		  end' --argjson m "$maps" --arg wide "${BRIG_RL_IDMAP:-single}"
}

# update_config JQ_FILTER [JQ_ARGS...]: edit config.json in place.
update_config() {
	local filter=$1
	shift
	jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARGS...: replace process.args.
set_args() {
	local args
	args=$(json_array "$@")
	update_config '.process.args = $a' --argjson a "$args"
}

# Host mounts that mention this test's directory (the bundle, rootfs and
# everything under it); compared before and after to catch leaks.
test_mounts() {
	grep -F "$TEST_DIR" /proc/self/mountinfo || true
}

# Live (non-zombie) processes of this test: those whose root directory is
# the bundle's rootfs (after pivot_root, readlink of /proc/PID/root says
# "/", so compare dev:ino), and those whose command line names the test
# directory (a runtime, or an init that has not exec'd yet).  One perl
# process: a shell loop over /proc is too slow to poll.
test_pids() {
	perl -e '
		my ($dir, $rootfs, $self) = @ARGV;
		my @r = stat($rootfs);
		for my $p (glob("/proc/[0-9]*")) {
			my ($pid) = $p =~ m{(\d+)$};
			next if $pid == $self || $pid == $$;
			open(my $st, "<", "$p/stat") or next;
			my $line = <$st>;
			next if !defined $line || $line =~ /\) Z /;
			my @s = stat("$p/root/");
			my $hit = @r && @s && $s[0] == $r[0] && $s[1] == $r[1];
			if (!$hit && open(my $c, "<", "$p/cmdline")) {
				local $/;
				my $cmd = <$c> // "";
				$hit = index($cmd, $dir) >= 0;
			}
			print "$pid\n" if $hit;
		}' "$TEST_DIR" "$BUNDLE/rootfs" "$$"
}

# Wait (up to ~3 s) for every process of this test to go.
no_test_pids() {
	local i
	for i in $(seq 30); do
		[ -z "$(test_pids)" ] && return 0
		sleep 0.1
	done
	echo "leftover processes: $(test_pids)" >&2
	return 1
}

# state_dir_empty: nothing left under the state root.
state_dir_empty() {
	[ ! -d "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ]
}

# A file may define its own setup/teardown; it calls these two.
common_setup() {
	if is_rootless && [ -z "${XDG_RUNTIME_DIR:-}" ]; then
		skip "rootless: XDG_RUNTIME_DIR unset (run through tests/rootless/run)"
	fi
	ensure_rootfs
	TEST_DIR=$BATS_TEST_TMPDIR
	ROOT=$TEST_DIR/state
	if is_rootless; then
		# Where rootless state lives ($XDG_RUNTIME_DIR/brig), one root
		# per test.
		ROOT=$XDG_RUNTIME_DIR/brig-test-$BATS_ROOT_PID/$BATS_SUITE_TEST_NUMBER
	fi
	BUNDLE=$TEST_DIR/bundle
	# Unique among parallel runs: runc names its cgroup after the id.
	CT=bt$$-$BATS_SUITE_TEST_NUMBER
	mkdir -p "$BUNDLE"
	cp -a "$ROOTFS_CACHE" "$BUNDLE/rootfs"
	base_config
	MOUNTS_BEFORE=$(test_mounts)
}

common_teardown() {
	local id ok=0
	if [ -n "${ROOT:-}" ]; then
		for id in $(rt list -q 2>/dev/null) $(ls "$ROOT" 2>/dev/null); do
			RT_TIMEOUT=10 rt delete -f "$id" >/dev/null 2>&1 || true
		done
		if is_rootless; then
			rm -rf "$ROOT"
			rmdir "$(dirname "$ROOT")" 2>/dev/null || true
		fi
	fi
	[ -n "${TEST_DIR:-}" ] || return 0
	for pid in $(test_pids); do
		kill -9 "$pid" 2>/dev/null || true
		ok=1
	done
	if [ "$ok" -ne 0 ]; then
		echo "teardown: killed leftover processes of the test" >&2
	fi
	auto_cgroup_cleanup
	if [ "$(test_mounts)" != "$MOUNTS_BEFORE" ]; then
		echo "teardown: leftover mounts:" >&2
		test_mounts >&2
		ok=1
		# Unmount them (deepest first) so the temp dir can be removed.
		test_mounts | awk '{ print $5 }' | sort -r | while read -r m; do
			umount -l "$m" 2>/dev/null || true
		done
	fi
	return "$ok"
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# brig_run [OPTIONS...] ID: `run` the runtime's foreground run of $BUNDLE.
brig_run() {
	run rt run --bundle "$BUNDLE" "$@" </dev/null
}

# create_ct [OPTIONS...] ID: create in the background-friendly way: the
# container's stdio (and the runtime's messages) go to $TEST_DIR/ID.out
# and ID.err so bats does not wait for the container to close them.
create_ct() {
	local id=${*: -1}
	# fd 3 is bats' own output: a container holding it would stall bats.
	rt create --bundle "$BUNDLE" "$@" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&-
}

# ct_err ID / ct_out ID: what create_ct captured.
ct_err() {
	cat "$TEST_DIR/$1.err"
}

ct_out() {
	cat "$TEST_DIR/$1.out"
}

# ct_status ID: the status field of `state` (empty when state fails).
ct_status() {
	RT_TIMEOUT=5 rt state "$1" 2>/dev/null | jq -r .status
}

ct_pid() {
	RT_TIMEOUT=5 rt state "$1" 2>/dev/null | jq -r .pid
}

# wait_status ID STATUS: poll state for up to ~5 s.
wait_status() {
	local end=$((SECONDS + 6))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(ct_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1: status $(ct_status "$1"), wanted $2" >&2
	return 1
}

# start_and_wait ID: start a created container and wait for it to stop.
start_and_wait() {
	rt start "$1" && wait_status "$1" stopped
}

# run_detached ID: create, start, wait until stopped; output in ct_out.
run_detached() {
	create_ct "$1" && start_and_wait "$1"
}

# ---- cgroups (cgroups.bats) -------------------------------------------
#
# Containers that get a cgroup use cgroupsPath $CG_PATH, under a parent
# $CG_PARENT that belongs to the test alone (cg_setup); cg_teardown removes
# what is left of that parent, and nothing else, in every hierarchy.  The
# same tests run on cgroup v1, the hybrid layout (v1 controllers plus a
# cgroup2 tree at /sys/fs/cgroup/unified) and pure v2: cg_file finds a
# controller's file where it lives and cg_expect maps v1 names and values
# to v2 ones.

# cg_mounts: "MOUNTPOINT TYPE OPTIONS" for each cgroup hierarchy mounted.
cg_mounts() {
	awk '{
		for (i = 7; $i != "-"; i++)
			;
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2")
			print $5, $(i + 1), $(i + 3)
	}' /proc/self/mountinfo
}

# cg_v2_root: the mount point of the cgroup2 tree (pure v2 or hybrid).
cg_v2_root() {
	cg_mounts | awk '$2 == "cgroup2" { print $1; exit }'
}

# cg_pure_v2: /sys/fs/cgroup is one cgroup2 tree.
cg_pure_v2() {
	[ -f /sys/fs/cgroup/cgroup.controllers ]
}

# cg_base CONTROLLER: the root of the hierarchy that holds CONTROLLER
# (a v1 mount with it among its options, else the cgroup2 tree when it
# offers the controller); empty when none does.
cg_base() {
	local c=$1 base v2
	base=$(cg_mounts | awk -v c="$c" '$2 == "cgroup" {
		n = split($3, o, ",")
		for (i = 1; i <= n; i++)
			if (o[i] == c) { print $1; exit }
	}')
	if [ -n "$base" ]; then
		echo "$base"
		return 0
	fi
	v2=$(cg_v2_root)
	# cgroup2 names two v1 controllers differently.
	case $c in
	blkio) c=io ;;
	cpuacct) c=cpu ;;
	esac
	if [ -n "$v2" ] && grep -qw -- "$c" "$v2/cgroup.controllers"; then
		echo "$v2"
	fi
}

# cg_is_v2 CONTROLLER: the controller lives on the cgroup2 tree.
cg_is_v2() {
	local base
	base=$(cg_base "$1")
	[ -n "$base" ] && [ "$base" = "$(cg_v2_root)" ]
}

# cg_has CONTROLLER: some hierarchy offers the controller.
cg_has() {
	[ -n "$(cg_base "$1")" ]
}

# cg_v2_name V1FILE: the cgroup2 file that holds what V1FILE holds on v1.
cg_v2_name() {
	case $1 in
	memory.limit_in_bytes) echo memory.max ;;
	memory.soft_limit_in_bytes) echo memory.low ;;
	memory.memsw.limit_in_bytes) echo memory.swap.max ;;
	cpu.shares) echo cpu.weight ;;
	cpu.cfs_quota_us | cpu.cfs_period_us) echo cpu.max ;;
	cpu.cfs_burst_us) echo cpu.max.burst ;;
	blkio.weight) echo io.weight ;;
	hugetlb.*.limit_in_bytes) echo "${1%.limit_in_bytes}.max" ;;
	*) echo "$1" ;;
	esac
}

# cg_file CONTROLLER FILE [PATH]: the file of the container's cgroup
# ($CG_PATH, or PATH) in the hierarchy of CONTROLLER; FILE is the v1 name,
# turned into the v2 one when the controller is on the cgroup2 tree.
cg_file() {
	local c=$1 f=$2 path=${3:-$CG_PATH} base
	base=$(cg_base "$c")
	[ -n "$base" ] || return 1
	if cg_is_v2 "$c"; then
		f=$(cg_v2_name "$f")
	fi
	echo "$base$path/$f"
}

# cg_read CONTROLLER FILE: the content of cg_file.
cg_read() {
	local f
	f=$(cg_file "$1" "$2") || return 1
	cat "$f"
}

# runc's conversions from v1 values to v2 ones.
cg_shares_to_weight() {
	echo $((1 + (($1 - 2) * 9999) / 262142))
}

cg_blkio_to_io_weight() {
	echo $((1 + ($1 - 10) * 9999 / 990))
}

# cg_expect CONTROLLER V1FILE V1VALUE [V2VALUE]: the container's cgroup
# holds V1VALUE (v1) or its v2 equivalent: V2VALUE when given, else
# converted as runc does.  Prints what differs.
cg_expect() {
	local c=$1 f=$2 want=$3 file got
	file=$(cg_file "$c" "$f") || {
		echo "no hierarchy has controller $c" >&2
		return 1
	}
	if [ ! -f "$file" ]; then
		echo "$file: missing" >&2
		return 1
	fi
	got=$(cat "$file")
	if cg_is_v2 "$c"; then
		if [ $# -ge 4 ]; then
			want=$4
		else
			case $f in
			cpu.shares) want=$(cg_shares_to_weight "$want") ;;
			cpu.cfs_quota_us)
				got=${got% *}
				[ "$want" != -1 ] || want=max
				;;
			cpu.cfs_period_us) got=${got#* } ;;
			blkio.weight) want="default $(cg_blkio_to_io_weight "$want")" ;;
			memory.limit_in_bytes | memory.memsw.limit_in_bytes)
				[ "$want" != -1 ] || want=max
				;;
			esac
		fi
	fi
	if [ "$got" != "$want" ]; then
		echo "$file: got '$got', want '$want'" >&2
		return 1
	fi
}

# cg_dirs [PATH]: the directories of PATH (default $CG_PATH) that exist,
# in every hierarchy.
cg_dirs() {
	local path=${1:-$CG_PATH} m
	for m in $(cg_mounts | awk '{ print $1 }'); do
		[ -d "$m$path" ] && echo "$m$path"
	done
	return 0
}

# cg_gone [PATH]: no hierarchy has a directory for PATH.
cg_gone() {
	local left
	left=$(cg_dirs "$@")
	if [ -n "$left" ]; then
		echo "cgroups left: $left" >&2
		return 1
	fi
}

# cg_procs [CONTROLLER]: the pids in the container's cgroup.procs
# (pids controller by default), sorted.
cg_procs() {
	local f
	f=$(cg_file "${1:-pids}" cgroup.procs) || return 1
	sort -n "$f"
}

# cg_setup: a parent cgroup path owned by this test, and the container's
# cgroupsPath under it.
cg_setup() {
	CG_PARENT=/brig-test-$BATS_ROOT_PID-$BATS_SUITE_TEST_NUMBER
	CG_PATH=$CG_PARENT/$CT
	update_config '.linux.cgroupsPath = $p' --arg p "$CG_PATH"
}

# cg_remove DIR: thaw, kill and remove DIR and what is under it (deepest
# first).  Only called on this test's own parent.
cg_remove() {
	local d pid
	find "$1" -depth -type d 2>/dev/null | while read -r d; do
		[ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
		[ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
		for pid in $(cat "$d/cgroup.procs" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null || true
		done
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
	done
}

# cg_teardown: after common_teardown has deleted the test's containers,
# fail if the container's cgroup is left anywhere, and remove the test's
# parent in every hierarchy.
cg_teardown() {
	local ok=0 d
	[ -n "${CG_PARENT:-}" ] || return 0
	if ! cg_gone "$CG_PATH"; then
		ok=1
	fi
	for d in $(cg_dirs "$CG_PARENT"); do
		cg_remove "$d"
	done
	if [ -n "$(cg_dirs "$CG_PARENT")" ]; then
		echo "teardown: could not remove $(cg_dirs "$CG_PARENT")" >&2
		ok=1
	fi
	return "$ok"
}
