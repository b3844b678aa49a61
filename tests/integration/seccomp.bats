#!/usr/bin/env bats
# seccomp.bats - linux.seccomp: actions, errnoRet, argument filters, notify
# listeners, podman's default profile, and brig's compile cache.
#
# A static probe program (tests/integration/probe/probe.c) is copied into
# the rootfs: `probe syscall NAME ARGS...` prints "ret=R errno=E".  The
# tests hold for runc too (RUNTIME=runc), except those about brig's cache.

load helpers

BUILD=${BUILD:-$(dirname "$(dirname "$BRIG")")}
PROBE_DIR=${PROBE_DIR:-$BUILD/tests/integration/probe}
PODMAN_PROFILE=/usr/share/containers/seccomp.json

setup() {
	common_setup
	[ -x "$PROBE_DIR/probe" ] || skip "no probe program (build the tree first)"
	cp "$PROBE_DIR/probe" "$BUNDLE/rootfs/bin/probe"
}

teardown() {
	if [ -n "${LISTENER_PID:-}" ]; then
		kill "$LISTENER_PID" 2>/dev/null || true
		wait "$LISTENER_PID" 2>/dev/null || true
	fi
	common_teardown
}

# set_seccomp JSON: linux.seccomp = JSON.
set_seccomp() {
	update_config '.linux.seccomp = $s' --argjson s "$1"
}

# allow_with RULES_JSON: a profile that allows everything but RULES.
allow_with() {
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
		\"syscalls\": $1}"
}

# probe_ops OP VALUE [VALUE_TWO]: a prctl(option) rule ERRNO 42 when
# option OP VALUE; then prctl with options 99, 100 and 101 (all unknown
# options: EINVAL when allowed).
probe_ops() {
	allow_with "[{\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42,
		\"args\": [{\"index\": 0, \"value\": $2, \"valueTwo\": ${3:-0}, \"op\": \"SCMP_CMP_$1\"}]}]"
	set_args sh -c 'for v in 99 100 101; do probe syscall prctl $v; done'
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 0 ]
}

# blocked N: the Nth prctl probe (99, 100, 101) was refused with 42, or
# allowed (EINVAL) for "allowed N".
blocked() {
	[ "${lines[$1]}" = "ret=-1 errno=42" ]
}
allowed() {
	[ "${lines[$1]}" = "ret=-1 errno=22" ]
}

@test "seccomp: a denied syscall returns EPERM without errnoRet" {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]'
	set_args probe syscall getppid
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=1" ]
}

@test "seccomp: errnoRet is returned" {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	set_args sh -c 'probe syscall getppid; probe syscall getpid'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ret=-1 errno=42" ]
	[ "${lines[1]}" = "ret=1 errno=0" ]
}

@test "seccomp: unknown syscall names are skipped" {
	allow_with '[{"names": ["no_such_syscall_xyz", "getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7}]'
	set_args probe syscall getppid
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=7" ]
}

@test "seccomp: SCMP_CMP_NE" {
	probe_ops NE 100
	blocked 0 && allowed 1 && blocked 2
}

@test "seccomp: SCMP_CMP_LT" {
	probe_ops LT 100
	blocked 0 && allowed 1 && allowed 2
}

@test "seccomp: SCMP_CMP_LE" {
	probe_ops LE 100
	blocked 0 && blocked 1 && allowed 2
}

@test "seccomp: SCMP_CMP_EQ" {
	probe_ops EQ 100
	allowed 0 && blocked 1 && allowed 2
}

@test "seccomp: SCMP_CMP_GE" {
	probe_ops GE 100
	allowed 0 && blocked 1 && blocked 2
}

@test "seccomp: SCMP_CMP_GT" {
	probe_ops GT 100
	allowed 0 && allowed 1 && blocked 2
}

@test "seccomp: SCMP_CMP_MASKED_EQ" {
	# option & 3 == 0: 100 only (99 & 3 = 3, 101 & 3 = 1)
	probe_ops MASKED_EQ 3 0
	allowed 0 && blocked 1 && allowed 2
}

@test "seccomp: two args of one rule must both match" {
	allow_with '[{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42,
		"args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"},
		         {"index": 1, "value": 77777, "op": "SCMP_CMP_EQ"}]}]'
	set_args sh -c 'probe syscall getpriority 0 77777; probe syscall getpriority 0 0'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ret=-1 errno=42" ]
	[[ "${lines[1]}" == *"errno=0" ]]
}

@test "seccomp: SCMP_ACT_KILL kills with SIGSYS" {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_KILL"}]'
	set_args probe syscall getppid
	brig_run "$CT"
	[ "$status" -eq 159 ]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills with SIGSYS" {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]'
	set_args probe syscall getppid
	brig_run "$CT"
	[ "$status" -eq 159 ]
}

@test "seccomp: SCMP_ACT_TRAP sends SIGSYS" {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_TRAP"}]'
	set_args probe syscall getppid
	brig_run "$CT"
	[ "$status" -eq 159 ]
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_TRACE"}]'
	set_args probe syscall getppid
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=38" ]
}

@test "seccomp: SCMP_ACT_LOG lets the syscall run and logs it" {
	grep -qw log /proc/sys/kernel/seccomp/actions_logged || skip "the kernel does not log SCMP_ACT_LOG"
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_LOG"}]'
	set_args sh -c 'probe syscall getppid; echo still here'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ret=1 errno=0" ]
	[ "${lines[1]}" = "still here" ]
	# The kernel's audit record (syscall 110 = getppid on x86_64), when
	# the kernel log is readable and not rate-limited away.
	if dmesg >/dev/null 2>&1; then
		dmesg | tail -50 | grep -q 'type=1326.*syscall=110' ||
			echo "# no audit line seen (rate-limited or auditd took it)" >&3
	fi
}

@test "seccomp: flags are passed to the kernel" {
	requires_brig # runc 1.1 refuses every flag
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9}]}'
	set_args probe syscall getppid
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=9" ]
}

@test "seccomp: SCMP_ACT_NOTIFY: the listener gets the fd and state, and answers" {
	local sock=$TEST_DIR/notify.sock state=$TEST_DIR/notify-state.json
	# runc 1.1.5 and crun 1.8.1 of this host install the filter but never
	# connect to listenerPath (the container then waits forever).
	requires_brig
	[ -x "$PROBE_DIR/notify-listener" ] || skip "no notify-listener"
	"$PROBE_DIR/notify-listener" "$sock" "$state" 4242 >"$TEST_DIR/listener.out" 2>&1 3>&- &
	LISTENER_PID=$!
	for _ in $(seq 50); do
		grep -q ready "$TEST_DIR/listener.out" 2>/dev/null && break
		sleep 0.1
	done
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"listenerPath\": \"$sock\", \"listenerMetadata\": \"brig-test-metadata\",
		\"syscalls\": [{\"names\": [\"getsid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	set_args sh -c 'probe syscall getsid 0; probe syscall getpid'
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ret=4242 errno=0" ]
	[ "${lines[1]}" = "ret=1 errno=0" ]
	cat "$state"
	[ "$(jq -c .fds "$state")" = '["seccompFd"]' ]
	[ "$(jq -r .metadata "$state")" = brig-test-metadata ]
	[ "$(jq -r .state.id "$state")" = "$CT" ]
	[ "$(jq -r '.pid > 0' "$state")" = true ]
	[ "$(jq -r '.pid == .state.pid' "$state")" = true ]
}

@test "seccomp: podman's default profile loads and a container runs under it" {
	[ -r "$PODMAN_PROFILE" ] || skip "no $PODMAN_PROFILE (golang-github-containers-common)"
	set_seccomp "$(jq -f "$BATS_TEST_DIRNAME/probe/oci-profile.jq" "$PODMAN_PROFILE")"
	# personality is allowed only for a few values: 4 is refused with
	# the profile's defaultErrnoRet (ENOSYS); a listed one works.
	set_args sh -c 'echo hello; probe syscall personality 4; probe syscall personality 0xffffffff'
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = "ret=-1 errno=38" ]
	[[ "${lines[2]}" == *"errno=0" ]]
}

# ---- brig's compile cache ----

cache_entry() {
	ls -d "$ROOT"/.seccomp-cache/* 2>/dev/null | grep -v '/\.tmp' | head -1
}

cache_profile() {
	allow_with '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	set_args probe syscall getppid
}

@test "seccomp cache: a warm cache needs no brig-seccomp" {
	requires_brig
	cache_profile
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ -n "$(cache_entry)" ]
	mkdir -p "$TEST_DIR/nohelper"
	ln -s "$BRIG_HELPER_DIR"/brig-mount "$BRIG_HELPER_DIR"/brig-cgroup "$TEST_DIR/nohelper/" 2>/dev/null || true
	BRIG_HELPER_DIR=$TEST_DIR/nohelper brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=42" ]
}

@test "seccomp cache: a truncated entry is detected and recompiled" {
	requires_brig
	cache_profile
	brig_run "$CT"
	[ "$status" -eq 0 ]
	entry=$(cache_entry)
	cp "$entry" "$TEST_DIR/good"
	truncate -s -8 "$entry"
	run rt --debug run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"ret=-1 errno=42"* ]]
	[[ "$output" == *"size does not match the header"* ]]
	cmp "$entry" "$TEST_DIR/good"
}

@test "seccomp cache: an entry with a wrong hash is detected and recompiled" {
	requires_brig
	cache_profile
	brig_run "$CT"
	[ "$status" -eq 0 ]
	entry=$(cache_entry)
	cp "$entry" "$TEST_DIR/good"
	# Flip one bit of the last instruction: same size, another program.
	size=$(stat -c %s "$entry")
	printf '\x01' | dd of="$entry" bs=1 seek=$((size - 1)) conv=notrunc status=none
	# (! CMD), not ! CMD: bash's errexit ignores a bare !, so it could never fail the test.
	(! cmp -s "$entry" "$TEST_DIR/good")
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=42" ]
	cmp "$entry" "$TEST_DIR/good"
}

@test "seccomp cache: garbage in place of an entry is not loaded" {
	requires_brig
	cache_profile
	brig_run "$CT"
	[ "$status" -eq 0 ]
	entry=$(cache_entry)
	cp "$entry" "$TEST_DIR/good"
	head -c "$(stat -c %s "$entry")" /dev/urandom >"$entry"
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "ret=-1 errno=42" ]
	cmp "$entry" "$TEST_DIR/good"
}

@test "seccomp: features lists what is supported" {
	requires_brig
	run rt features
	[ "$status" -eq 0 ]
	[ "$(jq -r .linux.seccomp.enabled <<<"$output")" = true ]
	[ "$(jq -r '.linux.seccomp.operators | length' <<<"$output")" -eq 7 ]
	[ "$(jq -r '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null' <<<"$output")" = true ]
	[ "$(jq -r '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null' <<<"$output")" = true ]
}
