#!/usr/bin/env bats
# handler.bats - brig's VM handler end to end: bundles with the annotation
# run.oci.handler=vm (or `brig --handler vm`) run through brig's own
# commands, each container a qemu micro-VM booted by brig-vm with the
# host's Debian kernel.  Run as root by tests/vmhandler/run (KVM or TCG:
# BRIG_VM_ACCEL=kvm|tcg forces one).  Each VM takes seconds under TCG, so
# a test starts one VM and checks several things.
#
# State lives in a temp dir; every container's cgroup is under a parent
# made for this file (brig-vmtest-PID), removed by delete; the guest's
# kernel cache is brig-vm's own (/var/tmp/brig-vm) and stays.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BRIG_BUILD:-$REPO/build}
export BRIG_HELPER_DIR=${BRIG_HELPER_DIR:-$BUILD/helpers}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "the VM handler tests run as root"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	# brig's default kernel is /vmlinuz (Debian's link to the newest
	# linux-image-amd64); without the link, the newest image by version.
	KERNEL=/vmlinuz
	[ -e "$KERNEL" ] || KERNEL=$(ls -v /boot/vmlinuz-*-amd64 2>/dev/null | tail -n 1)
	[ -n "$KERNEL" ] || skip "no guest kernel (linux-image-amd64)"
	export KERNEL VT=$BATS_FILE_TMPDIR
	export CGPARENT=brig-vmtest-$$
	"$REPO/scripts/make-rootfs" "$VT/rootfs" >/dev/null
	echo 'test:x:1000:1000:test:/tmp:/bin/sh' >>"$VT/rootfs/etc/passwd"
	mkdir -m 0755 "$VT/rootfs/work" "$VT/shared"
	echo from-host >"$VT/shared/file"
	(cd "$VT" && "$BUILD/front/brig" spec)
}

teardown_file() {
	[ -n "${CGPARENT:-}" ] || return 0
	for d in /sys/fs/cgroup/*/"$CGPARENT" /sys/fs/cgroup/"$CGPARENT"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	return 0
}

setup() {
	ID=vm$$-$BATS_TEST_NUMBER
	B=$VT/b$BATS_TEST_NUMBER
	mkdir -p "$B"
	ln -s "$VT/rootfs" "$B/rootfs"
}

teardown() {
	brig delete --force "$ID" >/dev/null 2>&1 || true
	rm -rf "$B"
}

brig() {
	timeout -k 5 "${BRIG_VM_TEST_TIMEOUT:-180}" "$BUILD/front/brig" --root "$VT/state" "$@"
}

# bundle JQ: the bundle's config.json from the spec, the handler and kernel
# annotations, the cgroup under our parent, and JQ applied.
bundle() {
	jq --arg cg "/$CGPARENT/$ID" --arg k "$KERNEL" '.process.terminal = false
		| .annotations["run.oci.handler"] = "vm" | .annotations["run.brig.vm.kernel"] = $k
		| .linux.cgroupsPath = $cg | '"$1" "$VT/config.json" >"$B/config.json"
}

# run_vm ARGS...: brig run in the bundle; stdout in $B/out, stderr in
# $B/err, $status brig's exit status.
run_vm() {
	local rc=0
	brig "$@" run -b "$B" "$ID" >"$B/out" 2>"$B/err" || rc=$?
	status=$rc
	echo "status $status; stdout: $(cat "$B/out"); stderr: $(cat "$B/err")" >&3
}

# gone PID: the process has ended: no such pid, or a zombie (delete
# --force kills brig-vm and qemu at once, and qemu's new parent, PID 1
# here, does not always reap it).
gone() {
	local st
	st=$(ps -o stat= -p "$1") || return 0
	[[ "$st" == Z* ]]
}

# no_trace: nothing of container $ID is left: no state, no cgroup (brig
# removes it only once no process, qemu included, is left in it).
no_trace() {
	run brig state "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	! ls -d /sys/fs/cgroup/*/"$CGPARENT/$ID" 2>/dev/null
}

@test "vm: args, env, cwd, user, groups, hostname; exit status; stdout and stderr apart" {
	bundle '.process.args = ["sh", "-c", "echo \"$0|$1|$FOO|$(pwd)|$(id -u):$(id -g):$(id -G)|$(hostname)\"; echo to-stderr >&2; exit 7", "a b", ""]
		| .process.env += ["FOO=bar baz"] | .process.cwd = "/work"
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 7]}
		| .hostname = "guest1"'
	run_vm
	[ "$status" -eq 7 ]
	[ "$(cat "$B/out")" = "a b||bar baz|/work|1000:1000:1000 5 7|guest1" ]
	[ "$(cat "$B/err")" = "to-stderr" ]
	no_trace
}

@test "vm: a process killed by a signal exits 128+N; --handler vm without the annotation" {
	bundle '.process.args = ["sh", "-c", "kill -KILL $$"] | del(.annotations["run.oci.handler"])'
	run_vm --handler vm
	[ "$status" -eq 137 ]
	# Without the annotation or --handler: a plain container (no VM).
	bundle '.process.args = ["sh", "-c", "cat /proc/1/cmdline | tr \"\\0\" \" \""] | del(.annotations["run.oci.handler"])'
	run_vm
	[ "$status" -eq 0 ]
	[[ "$(cat "$B/out")" == "sh -c"* ]]
}

@test "vm: bind mounts of host directories, readonly kept" {
	bundle '.mounts += [
		{"destination": "/mnt/ro", "type": "bind", "source": "'"$VT/shared"'", "options": ["bind", "ro"]},
		{"destination": "/mnt/rw", "type": "bind", "source": "'"$VT/shared"'", "options": ["rbind"]}]
		| .process.args = ["sh", "-c", "cat /mnt/ro/file; if echo x > /mnt/ro/new; then echo ro-written; fi; echo guest > /mnt/rw/new; echo done"]'
	run_vm
	[ "$status" -eq 0 ]
	[ "$(cat "$B/out")" = "$(printf 'from-host\ndone')" ]
	[[ "$(cat "$B/err")" == *"Read-only file system"* ]]
	[ "$(cat "$VT/shared/new")" = "guest" ]
	rm -f "$VT/shared/new"
}

@test "vm: the rootfs over virtiofs (run.brig.vm.fs=virtiofs), bind mounts still 9p" {
	[ -x /usr/lib/qemu/virtiofsd ] || skip "no /usr/lib/qemu/virtiofsd"
	bundle '.annotations["run.brig.vm.fs"] = "virtiofs"
		| .mounts += [{"destination": "/mnt/rw", "type": "bind", "source": "'"$VT/shared"'", "options": ["rbind"]}]
		| .process.args = ["sh", "-c", "grep -E \" (/|/mnt/rw) \" /proc/mounts | cut -d \" \" -f 2,3; echo via-virtiofs > /tmp/vfs-made"]'
	run_vm
	[ "$status" -eq 0 ]
	[ "$(cat "$B/out")" = "$(printf '/ virtiofs\n/mnt/rw 9p')" ]
	[ "$(cat "$B/rootfs/tmp/vfs-made")" = via-virtiofs ]
	rm -f "$B/rootfs/tmp/vfs-made"
	no_trace
}

@test "vm: create, state, start, kill, state, delete" {
	bundle '.process.args = ["sh", "-c", "trap \"echo got TERM; exit 9\" TERM; echo started; while :; do sleep 0.1; done"]'
	brig create -b "$B" --pid-file "$B/pid" "$ID" >"$B/out" 2>"$B/err"
	run brig state "$ID"
	echo "$output"
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .handler <<<"$output")" = vm ]
	pid=$(jq -r .pid <<<"$output")
	qpid=$(jq -r .vmPid <<<"$output")
	[ "$pid" = "$(cat "$B/pid")" ]
	# qemu runs, a child of brig-vm, in the container's cgroup.
	[ "$(ps -o ppid= -p "$qpid" | tr -d ' ')" = "$pid" ]
	grep -q "$CGPARENT/$ID" "/proc/$qpid/cgroup"
	# root's qemu keeps only what 9p passthrough needs (chown, dac_override,
	# dac_read_search, fowner, fsetid, mknod, setfcap), under its own
	# seccomp filter (-sandbox) and no_new_privs.
	grep -qx "CapEff:	000000008800001f" "/proc/$qpid/status"
	grep -qx "CapBnd:	000000008800001f" "/proc/$qpid/status"
	grep -qx "Seccomp:	2" "/proc/$qpid/status"
	grep -qx "NoNewPrivs:	1" "/proc/$qpid/status"
	# Held before the exec: nothing printed yet.
	[ ! -s "$B/out" ]
	brig start "$ID"
	for _ in $(seq 100); do grep -q started "$B/out" && break; sleep 0.2; done
	grep -q started "$B/out"
	[ "$(brig state "$ID" | jq -r .status)" = running ]
	# No agent in the guest, and brig-vm's namespaces are the host's.
	run brig exec "$ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"runs in a VM"*"exec is not supported"* ]]
	brig kill "$ID" TERM
	for _ in $(seq 100); do gone "$pid" && break; sleep 0.2; done
	grep -q "got TERM" "$B/out"
	[ "$(brig state "$ID" | jq -r .status)" = stopped ]
	gone "$qpid"
	brig delete "$ID"
	no_trace
}

@test "vm: kill of a created container, delete --force of a running one" {
	bundle '.process.args = ["sleep", "1000"]'
	brig create -b "$B" "$ID"
	pid=$(brig state "$ID" | jq -r .pid)
	brig kill "$ID" KILL
	for _ in $(seq 50); do gone "$pid" && break; sleep 0.2; done
	[ "$(brig state "$ID" | jq -r .status)" = stopped ]
	brig delete "$ID"
	no_trace
	brig create -b "$B" "$ID"
	qpid=$(brig state "$ID" | jq -r .vmPid)
	brig start "$ID"
	run brig delete --force "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	gone "$qpid"
	no_trace
}

@test "vm: linux.resources size the VM (memory limit, cpu quota)" {
	bundle '.linux.resources = {"memory": {"limit": 402653184}, "cpu": {"quota": 200000, "period": 100000}}
		| .process.args = ["sh", "-c", "grep -c ^processor /proc/cpuinfo; grep MemTotal /proc/meminfo"]'
	run_vm
	[ "$status" -eq 0 ]
	[ "$(head -1 "$B/out")" = 2 ]
	kb=$(awk '/MemTotal/ { print $2 }' "$B/out")
	# 384 MiB of RAM, less what the kernel keeps: between 256 and 384 MiB.
	[ "$kb" -gt $((256 * 1024)) ]
	[ "$kb" -le $((384 * 1024)) ]
}

@test "vm: prestart, createRuntime, poststart and poststop hooks run; createContainer is refused" {
	hook() {
		printf '{"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/hook-%s"]}' "$B" "$1"
	}
	bundle ".hooks = {\"prestart\": [$(hook prestart)], \"createRuntime\": [$(hook createRuntime)],
		\"poststart\": [$(hook poststart)], \"poststop\": [$(hook poststop)]}
		| .process.args = [\"true\"]"
	run_vm
	[ "$status" -eq 0 ]
	for h in prestart createRuntime poststart poststop; do
		[ "$(jq -r .id "$B/hook-$h")" = "$ID" ]
	done
	[ "$(jq -r .handler "$B/hook-prestart")" = vm ]
	bundle ".hooks = {\"createContainer\": [$(hook createContainer)]}"
	run brig run -b "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"hooks.createContainer"* ]]
	no_trace
}

@test "vm: a missing kernel is a clear error and leaves nothing" {
	bundle '.annotations["run.brig.vm.kernel"] = "/nonexistent/vmlinuz"'
	run brig create -b "$B" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"kernel /nonexistent/vmlinuz: No such file or directory"* ]]
	no_trace
}

@test "vm: a missing executable fails create and leaves nothing" {
	bundle '.process.args = ["/nonexistent"]'
	run brig create -b "$B" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"exec /nonexistent: No such file or directory"* ]]
	no_trace
}

# refused JQ TEXT: brig run of the bundle with JQ applied fails, saying TEXT.
refused() {
	bundle "$1"
	run brig run -b "$B" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$2"* ]]
}

@test "vm: what a VM cannot do is refused, naming the field" {
	refused '.process.terminal = true' "process.terminal"
	refused '.annotations["run.oci.handler"] = "krun"' 'run.oci.handler: unknown handler "krun"'
	refused '.annotations["run.brig.vm.accel"] = "hvf"' "run.brig.vm.accel"
	refused '.annotations["run.brig.vm.fs"] = "nfs"' 'run.brig.vm.fs: "nfs" is not 9p or virtiofs'
	refused '.linux.netDevices = {"eth9": {}}' "linux.netDevices"
	no_trace
}

@test "vm: features lists the handler and its annotations; brig --help names it" {
	run brig features
	[ "$status" -eq 0 ]
	[ "$(jq -r '.annotations["run.oci.handler"]' <<<"$output")" = vm ]
	[ "$(jq -r '.annotations["run.brig.vm.accel"]' <<<"$output")" = "auto|kvm|tcg" ]
	run brig --help
	[[ "$output" == *"--handler vm"* ]]
}
