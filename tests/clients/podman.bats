#!/usr/bin/env bats
# podman.bats - root podman drives brig end to end: run (output, exit
# status), run -d, exec, exec -t, logs, ps, stop, kill, rm, pause and
# unpause, --memory and --pids-limit, --network none and a netavark bridge.
#
# Everything podman keeps lives under one temp dir (setup-podman: storage,
# run dirs, network configs, events); every container's cgroup is under a
# parent made for this run (--cgroup-parent /brig-pm-PID), removed at the
# end with the image, the containers and the dir.  RUNTIME=runc (or
# BRIG_CLIENT_RUNTIME=PATH) runs the same tests with runc: a test that
# fails with brig and passes with runc is brig's failure.  tests/run runs
# this file under a reaper (lib.bash) so conmon is reaped.

load lib
bats_require_minimum_version 1.5.0

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	command -v podman >/dev/null || return 0
	PM_DIR=$BATS_FILE_TMPDIR/podman
	mkdir -p "$PM_DIR"
	export PM_RUNTIME
	PM_RUNTIME=$(cl_runtime "$PM_DIR/bin")
	export PM_CGROUP=brig-pm-$$
	local line
	while read -r line; do
		export "${line?}"
	done < <("$BATS_TEST_DIRNAME/setup-podman" "$PM_DIR")
	export PM_DIR
}

teardown_file() {
	[ -n "${PM_DIR:-}" ] || return 0
	timeout -k 5 60 podman rm -af -t 0 >/dev/null 2>&1 || true
	timeout -k 5 60 podman network rm -f "brig-pm-$$" >/dev/null 2>&1 || true
	timeout -k 5 60 podman system reset -f >/dev/null 2>&1 || true
	cl_cgroup_remove "$PM_CGROUP"
	rm -rf "$PM_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "root podman (podman-rootless.bats is the rootless one)"
	command -v podman >/dev/null || skip "no podman (scripts/install-deps)"
	NAME=pm$$-$BATS_TEST_NUMBER
	# conmon writes a file "oom" into its working directory (podman's)
	# when an exec session is OOM-killed: not into the source tree.
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	[ -n "${PM_DIR:-}" ] || return 0
	timeout -k 5 60 podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
}

# pm ARGS...: podman with the runtime under test, time-limited.
pm() {
	timeout -k 5 90 podman --runtime "$PM_RUNTIME" "$@"
}

# pm_run ARGS...: podman run in this run's cgroup parent.
pm_run() {
	pm run --cgroup-parent "/$PM_CGROUP" "$@"
}

# run_sleeper [ARGS...]: a detached container $NAME that waits.
run_sleeper() {
	run pm_run -d --name "$NAME" "$@" localhost/busybox sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
}

state_of() {
	pm inspect -f '{{.State.Status}}' "$NAME"
}

@test "podman: run prints the output" {
	run pm_run --rm localhost/busybox echo hello from podman
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from podman" ]
}

@test "podman: run passes the exit status on" {
	run pm_run --rm localhost/busybox sh -c 'exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	run -127 pm_run --rm localhost/busybox /nonexistent
	echo "$output"
}

@test "podman: run -d, ps, logs, stop, rm" {
	run pm_run -d --name "$NAME" localhost/busybox \
		sh -c 'echo started; trap "echo stopping; exit 0" TERM; while :; do sleep 0.1; done'
	echo "$output"
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "podman logs $NAME | grep -q started"
	run pm ps --format '{{.Names}} {{.Status}}'
	echo "$output"
	[[ "$output" == *"$NAME Up"* ]]
	[ "$(state_of)" = running ]
	run pm stop -t 10 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	echo "$output"
	[ "$output" = "exited 0" ]
	run pm logs "$NAME"
	echo "$output"
	[ "$output" = "started
stopping" ]
	run pm ps -a --format '{{.Names}}'
	[[ "$output" == *"$NAME"* ]]
	run pm rm "$NAME"
	[ "$status" -eq 0 ]
	run pm container exists "$NAME"
	[ "$status" -eq 1 ]
}

@test "podman: exec runs in the container and passes its status on" {
	run_sleeper --hostname brigbox
	run pm exec "$NAME" sh -c 'echo $(hostname) $(cat /proc/1/cmdline | tr "\0" " ")'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "brigbox sleep 1000" ]
	run pm exec --user nobody -w /tmp -e FOO=bar "$NAME" sh -c 'echo $(id -u) $PWD $FOO'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "65534 /tmp bar" ]
	run pm exec "$NAME" sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "podman: exec -t gets a terminal" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	run_sleeper
	run cl_in_pty "podman --runtime $PM_RUNTIME exec -t $NAME sh -c 'tty; echo done'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *done* ]]
	run pm exec "$NAME" tty
	echo "$output"
	[ "$output" = "not a tty" ]
}

@test "podman: run -t gets a terminal" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	run cl_in_pty "podman --runtime $PM_RUNTIME run --rm -t --cgroup-parent /$PM_CGROUP localhost/busybox tty"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
}

@test "podman: kill sends the signal" {
	run pm_run -d --name "$NAME" localhost/busybox \
		sh -c 'trap "echo got USR1; exit 4" USR1; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "podman logs $NAME | grep -q ready"
	run pm kill -s USR1 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run pm wait "$NAME"
	echo "$output"
	[ "$output" = 4 ]
	run pm logs "$NAME"
	[[ "$output" == *"got USR1"* ]]
}

@test "podman: kill (SIGKILL), then kill of the stopped container fails" {
	run_sleeper
	run pm kill "$NAME"
	[ "$status" -eq 0 ]
	run pm wait "$NAME"
	[ "$output" = 137 ]
	run pm kill "$NAME"
	echo "$output"
	[ "$status" -ne 0 ]
}

@test "podman: pause and unpause" {
	run pm_run -d --name "$NAME" localhost/busybox \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done'
	[ "$status" -eq 0 ]
	run pm pause "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(state_of)" = paused ]
	local m1 m2
	m1=$(cat "$(pm inspect -f '{{.GraphDriver.Data.MergedDir}}' "$NAME")/tmp/n")
	sleep 0.5
	m2=$(cat "$(pm inspect -f '{{.GraphDriver.Data.MergedDir}}' "$NAME")/tmp/n")
	[ "$m1" = "$m2" ]
	run pm unpause "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(state_of)" = running ]
	run pm exec "$NAME" sh -c "sleep 0.5; cat /tmp/n"
	echo "$m1 -> $output"
	[ "$output" -gt "$m2" ]
}

# cg_file CONTROLLER FILE: a file of container $NAME's cgroup, seen from
# the host (v1 controller directory, or the v2 tree).
cg_file() {
	local id
	id=$(pm inspect -f '{{.Id}}' "$NAME")
	if [ -d "/sys/fs/cgroup/$1/$PM_CGROUP" ]; then
		cat "/sys/fs/cgroup/$1/$PM_CGROUP/libpod-$id/$2"
	else
		cat "/sys/fs/cgroup/$PM_CGROUP/libpod-$id/$3"
	fi
}

@test "podman: --memory and --pids-limit take effect" {
	run_sleeper --memory 64m --pids-limit 20
	run cg_file memory memory.limit_in_bytes memory.max
	echo "$output"
	[ "$output" = 67108864 ]
	run cg_file pids pids.max pids.max
	echo "$output"
	[ "$output" = 20 ]
	# Enforced: 100 MB in a shell variable is killed (137), 10 MB is
	# not; the 21st process is refused.
	run pm exec "$NAME" sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo ${#x}'
	echo "$output"
	[ "$status" -eq 137 ]
	run pm exec "$NAME" sh -c 'x=$(head -c 10000000 /dev/zero | tr "\0" a); echo ${#x}'
	echo "$output"
	[ "$output" = 10000000 ]
	run pm exec "$NAME" sh -c 'for i in $(seq 30); do sleep 1 & done 2>&1; wait'
	echo "$output"
	[[ "$output" == *"can't fork"* ]]
}

@test "podman: the container sees its own cgroup's limits in /sys/fs/cgroup" {
	run_sleeper --memory 64m --pids-limit 20
	run pm exec "$NAME" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null ||
		cat /sys/fs/cgroup/memory.max'
	echo "$output"
	[ "$output" = 67108864 ]
	run pm exec "$NAME" sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null ||
		cat /sys/fs/cgroup/pids.max'
	echo "$output"
	[ "$output" = 20 ]
}

@test "podman: --network none leaves only lo" {
	run pm_run --rm --network none localhost/busybox sh -c "ip -o link | awk -F': ' '{ print \$2 }'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

# The bridge test's host side.  netavark enables IPv4 forwarding and leaves
# its iptables chains (NETAVARK_*) and the rules jumping to them behind
# when the last network goes: fw_save records what was there before,
# fw_restore removes only the chains that were not, and puts forwarding
# back as it was.
fw_save() {
	cat /proc/sys/net/ipv4/ip_forward >"$PM_DIR/ip_forward"
	{
		iptables -t filter -S
		iptables -t nat -S
	} 2>/dev/null | awk '$1 == "-N" { print $2 }' >"$PM_DIR/chains.before"
}

fw_restore() {
	local table chain rule
	[ -f "$PM_DIR/chains.before" ] || return 0
	for table in filter nat; do
		for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^NETAVARK/ { print $2 }'); do
			grep -qx "$chain" "$PM_DIR/chains.before" && continue
			iptables -t "$table" -S 2>/dev/null | grep -E -- "-j $chain( |\$)" |
				while read -r rule; do
					# -S quotes comments as a shell would
					eval "iptables -t $table ${rule/-A/-D}"
				done
			iptables -t "$table" -F "$chain"
		done
		for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^NETAVARK/ { print $2 }'); do
			grep -qx "$chain" "$PM_DIR/chains.before" || iptables -t "$table" -X "$chain"
		done
	done
	cat "$PM_DIR/ip_forward" >/proc/sys/net/ipv4/ip_forward
	rm -f "$PM_DIR/chains.before"
}

@test "podman: a netavark bridge network" {
	command -v iptables >/dev/null || skip "no iptables (netavark needs it)"
	[ -x /usr/lib/podman/netavark ] || skip "no netavark"
	local net=brig-pm-$$
	fw_save
	run pm network create --disable-dns --subnet 10.231.77.0/24 "$net"
	echo "$output"
	[ "$status" -eq 0 ]
	run pm_run --rm --network "$net" localhost/busybox \
		sh -c 'ip -o -4 addr show eth0 | awk "{ print \$4 }"; ping -c 1 -W 5 10.231.77.1 >/dev/null && echo reached'
	echo "$output"
	pm network rm -f "$net" >/dev/null
	fw_restore
	[ "$status" -eq 0 ]
	[ "$output" = "10.231.77.2/24
reached" ]
}

@test "podman: --privileged gets every capability and the host's devices" {
	run pm_run --rm --privileged localhost/busybox sh -c 'grep CapEff /proc/self/status; ls -l /dev/null'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:	000001ffffffffff"* || "$output" == *"CapEff:	000001fffeffffff"* ||
		"$output" == *"CapEff:	0000003fffffffff"* ]]
	[[ "$output" == *"crw-rw-rw-"*"1,"*"3"*"/dev/null"* ]]
}

@test "podman: exec -d, top, restart" {
	run_sleeper
	run pm exec -d "$NAME" sh -c 'echo detached >/tmp/det'
	echo "$output"
	[ "$status" -eq 0 ]
	cl_wait_for 10 podman exec "$NAME" grep -q detached /tmp/det
	run pm top "$NAME" args
	echo "$output"
	[[ "$output" == *"sleep 1000"* ]]
	run pm restart -t 0 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(state_of)" = running ]
	run pm exec "$NAME" echo restarted
	[ "$output" = restarted ]
}

@test "podman: --annotation run.oci.handler=vm runs the container in a VM" {
	[ "${RUNTIME:-brig}" = brig ] && [ -z "${BRIG_CLIENT_RUNTIME:-}" ] ||
		skip "the VM handler is brig's (RUNTIME=${RUNTIME:-} has none)"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	[ -e /vmlinuz ] || skip "no /vmlinuz (linux-image-amd64)"
	run pm_run --rm --annotation run.oci.handler=vm --memory 300m localhost/busybox \
		sh -c 'awk "/MemTotal/ { print \$2 }" /proc/meminfo; cat /proc/1/comm; exit 4'
	echo "$output"
	[ "$status" -eq 4 ]
	# The guest's RAM is --memory (less what its kernel keeps); its PID 1
	# is brig-vm's init.
	[ "$(sed -n 1p <<<"$output")" -le $((300 * 1024)) ]
	[ "$(sed -n 1p <<<"$output")" -gt $((200 * 1024)) ]
	[ "$(sed -n 2p <<<"$output")" = init ]
	# run -d, stop (SIGTERM reaches the guest's process), logs, rm
	run pm_run -d --name "$NAME" --annotation run.oci.handler=vm localhost/busybox \
		sh -c 'trap "echo stopping; exit 0" TERM; echo started; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	cl_wait_for 120 sh -c "podman logs $NAME | grep -q started"
	run pm stop -t 30 "$NAME"
	[ "$status" -eq 0 ]
	run pm logs "$NAME"
	[ "$output" = "started
stopping" ]
	run pm inspect -f '{{.State.ExitCode}}' "$NAME"
	[ "$output" = 0 ]
}
