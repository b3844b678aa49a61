#!/usr/bin/env bats
# docker.bats - dockerd drives brig: docker run --runtime brig (output, exit
# status), run -d, exec, exec -t, logs, kill, stop, rm, --memory, update,
# pause, unpause, restart.
#
# setup-docker starts a dockerd of our own (daemon.json with the runtime
# "brig", data-root, exec-root, socket and pidfile under a temp dir;
# bridge and iptables off, so every container runs with --network none)
# and imports the image brig-bb; teardown-docker stops it and removes
# everything, the cgroup parent /brig-dk-* included.  RUNTIME=runc (or
# BRIG_CLIENT_RUNTIME=PATH) registers that runtime as "brig" instead: a
# test that fails with brig and passes with runc is brig's failure.

load lib
bats_require_minimum_version 1.5.0

# The client of the docker.io package (another docker earlier in PATH
# may be of another version).
DK_CLIENT=${DOCKER_CLIENT:-/usr/bin/docker}

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	[ -x /usr/sbin/dockerd ] || return 0
	# Short: containerd's socket lives under it (108 bytes at most).
	DK_DIR=$(mktemp -d /tmp/brig-dk.XXXXXX)
	export DK_DIR DK_RUNTIME
	DK_RUNTIME=$(cl_runtime "$DK_DIR/bin")
	export DK_CGROUP=brig-dk-${DK_DIR##*/}
	local line
	while read -r line; do
		export "${line?}"
	done < <("$BATS_TEST_DIRNAME/setup-docker" "$DK_DIR" "$DK_RUNTIME")
}

teardown_file() {
	[ -n "${DK_DIR:-}" ] || return 0
	"$BATS_TEST_DIRNAME/teardown-docker" "$DK_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "dockerd needs root"
	[ -x /usr/sbin/dockerd ] || skip "no dockerd (scripts/install-deps: docker.io)"
	[ -n "${DOCKER_HOST:-}" ] || skip "dockerd did not start (setup-docker)"
	NAME=dk$$-$BATS_TEST_NUMBER
}

teardown() {
	[ -n "${DOCKER_HOST:-}" ] || return 0
	timeout -k 5 60 "$DK_CLIENT" rm -f "$NAME" >/dev/null 2>&1 || true
}

dk() {
	timeout -k 5 90 "$DK_CLIENT" "$@"
}

# dk_run ARGS...: docker run with the runtime under test, no network.
dk_run() {
	dk run --runtime brig --network none "$@"
}

@test "docker: run --runtime brig prints the output and uses brig" {
	run dk_run --name "$NAME" brig-bb echo hello from docker
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from docker" ]
	run dk inspect -f '{{.HostConfig.Runtime}} {{.State.Status}} {{.State.ExitCode}}' "$NAME"
	echo "$output"
	[ "$output" = "brig exited 0" ]
}

@test "docker: run passes the exit status on" {
	run dk_run --rm brig-bb sh -c 'exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	# docker reads these from the runtime's error words, as runc says them
	run -127 dk_run --rm brig-bb /nonexistent
	echo "$output"
	run -127 dk_run --rm brig-bb nonexistent
	echo "$output"
	run -126 dk_run --rm brig-bb /etc/passwd
	echo "$output"
}

@test "docker: run -d, logs, exec, stop, rm" {
	run dk_run -d --name "$NAME" --hostname brigbox brig-bb \
		sh -c 'echo started; trap "echo stopping; exit 0" TERM; while :; do sleep 0.1; done'
	echo "$output"
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "$DK_CLIENT logs $NAME | grep -q started"
	run dk ps --format '{{.Names}} {{.Status}}'
	echo "$output"
	[[ "$output" == *"$NAME Up"* ]]
	run dk exec "$NAME" sh -c 'echo $(hostname) $(cat /proc/1/cmdline | tr "\0" " ")'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "brigbox sh -c echo started;"* ]]
	run dk exec -u nobody -w /tmp -e FOO=bar "$NAME" sh -c 'echo $(id -u) $PWD $FOO'
	echo "$output"
	[ "$output" = "65534 /tmp bar" ]
	run dk exec "$NAME" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run dk stop -t 10 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	echo "$output"
	[ "$output" = "exited 0" ]
	run dk logs "$NAME"
	echo "$output"
	[ "$output" = "started
stopping" ]
	run dk rm "$NAME"
	[ "$status" -eq 0 ]
	run dk inspect "$NAME"
	[ "$status" -ne 0 ]
}

@test "docker: exec -t gets a terminal" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	run dk_run -d --name "$NAME" brig-bb sleep 1000
	[ "$status" -eq 0 ]
	run cl_in_pty "$DK_CLIENT exec -t $NAME sh -c 'tty; echo done'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *done* ]]
}

@test "docker: kill sends the signal; kill and stop of the stopped container" {
	run dk_run -d --name "$NAME" brig-bb \
		sh -c 'trap "echo got USR1; exit 4" USR1; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "$DK_CLIENT logs $NAME | grep -q ready"
	run dk kill -s USR1 "$NAME"
	[ "$status" -eq 0 ]
	run dk wait "$NAME"
	echo "$output"
	[ "$output" = 4 ]
	run dk logs "$NAME"
	[[ "$output" == *"got USR1"* ]]
	run dk kill "$NAME"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not running"* ]]
	run dk stop "$NAME"
	[ "$status" -eq 0 ]
}

@test "docker: --memory takes effect" {
	run dk_run -d --name "$NAME" --memory 64m brig-bb sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	local id
	id=$(dk inspect -f '{{.Id}}' "$NAME")
	if [ -d "/sys/fs/cgroup/memory/$DK_CGROUP" ]; then
		run cat "/sys/fs/cgroup/memory/$DK_CGROUP/$id/memory.limit_in_bytes"
	else
		run cat "/sys/fs/cgroup/$DK_CGROUP/$id/memory.max"
	fi
	echo "$output"
	[ "$output" = 67108864 ]
	# Enforced: 100 MB in a shell variable is killed, 10 MB is not.
	run dk exec "$NAME" sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo ${#x}'
	echo "$output"
	[ "$status" -eq 137 ]
	run dk exec "$NAME" sh -c 'x=$(head -c 10000000 /dev/zero | tr "\0" a); echo ${#x}'
	echo "$output"
	[ "$output" = 10000000 ]
}

# dk_cg_file V1-CONTROLLER V1-FILE V2-FILE: a file of $NAME's cgroup.
dk_cg_file() {
	local id
	id=$(dk inspect -f '{{.Id}}' "$NAME")
	if [ -d "/sys/fs/cgroup/$1/$DK_CGROUP" ]; then
		cat "/sys/fs/cgroup/$1/$DK_CGROUP/$id/$2"
	else
		cat "/sys/fs/cgroup/$DK_CGROUP/$id/$3"
	fi
}

@test "docker: update changes the limits of a running container" {
	run dk_run -d --name "$NAME" --memory 64m brig-bb sleep 1000
	[ "$status" -eq 0 ]
	# docker sends every field, 0 for those it keeps
	run dk update --memory 128m --memory-swap 256m "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run dk_cg_file memory memory.limit_in_bytes memory.max
	echo "$output"
	[ "$output" = 134217728 ]
	run dk update --cpus 0.5 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run dk_cg_file cpu cpu.cfs_quota_us cpu.max
	echo "$output"
	[[ "$output" == 50000* ]]
	run dk_cg_file memory memory.limit_in_bytes memory.max
	[ "$output" = 134217728 ]
}

@test "docker: pause, unpause, restart" {
	run dk_run -d --name "$NAME" brig-bb sleep 1000
	[ "$status" -eq 0 ]
	run dk pause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(dk inspect -f '{{.State.Status}}' "$NAME")" = paused ]
	run dk unpause "$NAME"
	[ "$status" -eq 0 ]
	[ "$(dk inspect -f '{{.State.Status}}' "$NAME")" = running ]
	run dk restart -t 1 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run dk exec "$NAME" echo after restart
	echo "$output"
	[ "$output" = "after restart" ]
}

@test "docker: a second runtime entry with --handler vm runs the container in a VM" {
	[ "${RUNTIME:-brig}" = brig ] && [ -z "${BRIG_CLIENT_RUNTIME:-}" ] ||
		skip "the VM handler is brig's (RUNTIME=${RUNTIME:-} has none)"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	[ -e /vmlinuz ] || skip "no /vmlinuz (linux-image-amd64)"
	run dk run --runtime brig-vm --network none --rm brig-bb \
		sh -c 'awk "/MemTotal/ { print \$2 }" /proc/meminfo; cat /proc/1/comm; exit 4'
	echo "$output"
	[ "$status" -eq 4 ]
	# The guest's RAM (256 MiB by default), not this host's; its PID 1 is
	# brig-vm's init, not the container's process.
	[ "$(sed -n 1p <<<"$output")" -lt $((1024 * 1024)) ]
	[ "$(sed -n 2p <<<"$output")" = init ]
}
