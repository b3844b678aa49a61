#!/usr/bin/env bats
# kernel.bats - the minimal guest kernel (scripts/build-vm-kernel) under
# brig-vm: it boots, runs what the tests run in the guest, and keeps the
# isolation checks.  Run as root, after a build:
#
#   BRIG_VM_KERNEL=DIR/bzImage bats tests/vmhandler/kernel.bats
#
# BRIG_VM_KERNEL defaults to /var/tmp/brig-vm-kernel/bzImage; the tests
# skip when there is no such kernel (building one takes ~4 minutes; CI
# does not).
# vmhandler.bats runs the same cases with any kernel: point its
# tests/unit/vmclient at a wrapper that passes -k first.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BRIG_BUILD:-$REPO/build}
VMCLIENT=$BUILD/tests/unit/vmclient
KERNEL=${BRIG_VM_KERNEL:-/var/tmp/brig-vm-kernel/bzImage}
export BRIG_HELPER_DIR=${BRIG_HELPER_DIR:-$BUILD/helpers}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "brig-vm tests run as root"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	[ -x "$VMCLIENT" ] || skip "no $VMCLIENT: build first"
	[ -f "$KERNEL" ] || skip "no $KERNEL: scripts/build-vm-kernel"
	export VMTMP=$BATS_FILE_TMPDIR
	"$REPO/scripts/make-rootfs" "$VMTMP/rootfs" >/dev/null
	mkdir -m 0700 "$VMTMP/cache"
}

# vm ARG...: run ARG... in the rootfs under the minimal kernel; stdout in
# $VMTMP/out, stderr in $VMTMP/err, $status the exit status.
vm() {
	local rc=0
	timeout -k 5 "${BRIG_VM_TEST_TIMEOUT:-120}" "$VMCLIENT" -k "$KERNEL" -C "$VMTMP/cache" \
		"$@" >"$VMTMP/out" 2>"$VMTMP/err" || rc=$?
	status=$rc
	echo "status $status; stdout: $(cat "$VMTMP/out"); stderr: $(cat "$VMTMP/err")" >&3
}

@test "the minimal kernel boots and runs the process; its release ends in -brig" {
	vm -h vmhost "$VMTMP/rootfs" /bin/sh -c 'uname -r; hostname; id -u; exit 3'
	[ "$status" -eq 3 ]
	[[ "$(sed -n 1p "$VMTMP/out")" == *-brig ]]
	[ "$(sed -n 2p "$VMTMP/out")" = vmhost ]
	[ "$(sed -n 3p "$VMTMP/out")" = 0 ]
}

@test "a signal exit, a script, sleep and kill" {
	printf '#!/bin/sh\nsleep 0.1\nkill -USR1 $$\n' >"$VMTMP/rootfs/tmp/s"
	chmod 0755 "$VMTMP/rootfs/tmp/s"
	vm "$VMTMP/rootfs" /tmp/s
	[ "$status" -eq $((128 + 10)) ]
}

@test "inside the guest: mount -t proc, sysrq, no module loading; the host is unchanged" {
	# (Some hosts have no sysrq at all.)
	before=$(cat /proc/sys/kernel/sysrq 2>/dev/null || echo none)
	vm "$VMTMP/rootfs" /bin/sh -c 'mkdir -p /tmp/p && mount -t proc proc /tmp/p && cat /tmp/p/sys/kernel/hostname;
		echo h >/proc/sysrq-trigger && echo sysrq-ok; insmod /nonexistent.ko 2>/dev/null || echo no-modules'
	[ "$status" -eq 0 ]
	grep -qx sysrq-ok "$VMTMP/out"
	grep -qx no-modules "$VMTMP/out"
	[ "$(sed -n 1p "$VMTMP/out")" != "$(hostname)" ]
	[ "$(cat /proc/sys/kernel/sysrq 2>/dev/null || echo none)" = "$before" ]
}
