#!/usr/bin/env bats
# vmhandler.bats - brig-vm, driven by tests/vmhandler/vmclient: a busybox
# rootfs (scripts/make-rootfs) booted in a qemu micro-VM with the host's
# Debian kernel.  Run as root by tests/vmhandler/run (KVM or TCG:
# BRIG_VM_ACCEL=kvm|tcg forces one).  Each VM is a few seconds under TCG,
# so a test starts one VM and checks several things of its output.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BRIG_BUILD:-$REPO/build}
VMCLIENT=$BUILD/tests/unit/vmclient
export BRIG_HELPER_DIR=${BRIG_HELPER_DIR:-$BUILD/helpers}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "brig-vm tests run as root"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	[ -x "$VMCLIENT" ] || skip "no $VMCLIENT: build first"
	export VMTMP=$BATS_FILE_TMPDIR
	"$REPO/scripts/make-rootfs" "$VMTMP/rootfs" >/dev/null
	echo 'test:x:1000:1000:test:/tmp:/bin/sh' >>"$VMTMP/rootfs/etc/passwd"
	mkdir -m 0755 "$VMTMP/rootfs/work"
	# The base initramfs is built once into this cache, then reused.
	mkdir -m 0700 "$VMTMP/cache"
}

# vm [vmclient options] ARG...: boot the rootfs, run ARG...; the
# process's stdout in $VMTMP/out, stderr in $VMTMP/err; $status its exit.
vm() {
	local rc=0
	timeout -k 5 "${BRIG_VM_TEST_TIMEOUT:-120}" "$VMCLIENT" -C "$VMTMP/cache" "$@" \
		>"$VMTMP/out" 2>"$VMTMP/err" || rc=$?
	status=$rc
	echo "status $status; stdout: $(cat "$VMTMP/out"); stderr: $(cat "$VMTMP/err")" >&3
}

# The rootfs argument comes before the process's args.
R() {
	echo "$VMTMP/rootfs"
}

@test "args, exit status, stdout and stderr kept apart" {
	vm "$(R)" /bin/sh -c 'echo "$0|$1|$2"; echo to-stderr >&2; exit 7' 'a b' '' c
	[ "$status" -eq 7 ]
	[ "$(cat "$VMTMP/out")" = "a b||c" ]
	[ "$(cat "$VMTMP/err")" = "to-stderr" ]
}

@test "stdout to a file shares the caller's offset; to a pipe" {
	f=$VMTMP/shared
	{
		echo before
		"$VMCLIENT" -C "$VMTMP/cache" "$(R)" /bin/echo inside
		echo after
	} >"$f"
	[ "$(cat "$f")" = "$(printf 'before\ninside\nafter')" ]
	echo first >"$f"
	{
		"$VMCLIENT" -C "$VMTMP/cache" "$(R)" /bin/echo appended
		echo last
	} >>"$f"
	[ "$(cat "$f")" = "$(printf 'first\nappended\nlast')" ]
	# A pipe, reopened by qemu through /dev/fd.
	[ "$("$VMCLIENT" -C "$VMTMP/cache" "$(R)" /bin/echo piped | cat)" = piped ]
}

@test "env, cwd, hostname, umask, rlimit" {
	# RLIMIT_NOFILE is 7.
	vm -e FOO=bar -e 'SPACE=x y' -e PATH=/bin -d /work -h vmhost -U 027 -r 7,123,456 \
		"$(R)" sh -c 'echo "$FOO|$SPACE|$(pwd)|$(hostname)|$(umask)|$(ulimit -n)|$(ulimit -Hn)"'
	[ "$status" -eq 0 ]
	[ "$(cat "$VMTMP/out")" = "bar|x y|/work|vmhost|0027|123|456" ]
}

@test "uid, gid and groups; files it makes are its own on the host" {
	rm -f "$VMTMP/rootfs/work/made"
	chmod 1777 "$VMTMP/rootfs/work"
	vm -u 1000 -g 1000 -G 10 -G 20 "$(R)" /bin/sh -c 'id -u; id -g; id -G; touch /work/made'
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$VMTMP/out")" = 1000 ]
	[ "$(sed -n 2p "$VMTMP/out")" = 1000 ]
	[ "$(sed -n 3p "$VMTMP/out")" = "1000 10 20" ]
	[ "$(stat -c %u:%g "$VMTMP/rootfs/work/made")" = 1000:1000 ]
}

@test "exit by a signal is 128+N" {
	vm "$(R)" /bin/sh -c 'kill -USR1 $$'
	[ "$status" -eq $((128 + 10)) ]
}

@test "a signal sent to brig-vm reaches the guest's process" {
	# SIGTERM (15) a second after start; the process would sleep 100 s.
	vm -s 1000:15 "$(R)" /bin/sleep 100
	[ "$status" -eq $((128 + 15)) ]
}

@test "a missing kernel is a clear error and starts nothing" {
	vm -k /nonexistent/vmlinuz -p "$(R)" /bin/true
	[ "$status" -eq 125 ]
	grep -q 'brig-vm: kernel /nonexistent/vmlinuz: No such file or directory' "$VMTMP/err"
	# No qemu was started (vmclient prints its pid only after a start).
	! grep -q 'qemu pid' "$VMTMP/err"
}

@test "a program the rootfs does not have: the guest's error, exit 125" {
	vm "$(R)" /no/such/program
	[ "$status" -eq 125 ]
	grep -q 'brig-vm: guest: exec /no/such/program: No such file or directory$' "$VMTMP/err"
}

@test "the helper refuses a bad request before starting anything" {
	vm -d relative -p "$(R)" /bin/true
	[ "$status" -eq 125 ]
	grep -q 'cwd "relative": not absolute' "$VMTMP/err"
	vm -m 1 -p "$(R)" /bin/true
	[ "$status" -eq 125 ]
	grep -q 'memory: 1 MiB is outside' "$VMTMP/err"
	vm -e NOEQUALS -p "$(R)" /bin/true
	[ "$status" -eq 125 ]
	grep -q 'env\[0\] "NOEQUALS": not NAME=value' "$VMTMP/err"
}

@test "a wait that times out stops the VM: qemu is gone" {
	vm -t 500 -p "$(R)" /bin/sleep 100
	[ "$status" -eq 124 ]
	pid=$(sed -n 's/^qemu pid \([0-9]*\)$/\1/p' "$VMTMP/err")
	[ -n "$pid" ]
	# brig-vm killed and reaped it before it exited.
	[ ! -e "/proc/$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != qemu-system-x86 ]
}

@test "a caller that goes away mid-wait takes qemu with it" {
	"$VMCLIENT" -C "$VMTMP/cache" -p "$(R)" /bin/sleep 100 >/dev/null 2>"$VMTMP/err" &
	client=$!
	for _ in $(seq 50); do
		grep -q 'qemu pid' "$VMTMP/err" && break
		sleep 0.1
	done
	pid=$(sed -n 's/^qemu pid \([0-9]*\)$/\1/p' "$VMTMP/err")
	[ -n "$pid" ]
	kill "$client"
	wait "$client" || true
	for _ in $(seq 50); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ] || break
		sleep 0.1
	done
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != qemu-system-x86 ]
}
