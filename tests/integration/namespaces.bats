#!/usr/bin/env bats
# namespaces.bats - linux.namespaces: new ones, shared ones and ones joined by path.

load helpers

NETNS_FILE=

teardown() {
	if [ -n "$NETNS_FILE" ]; then
		umount "$NETNS_FILE" 2>/dev/null || true
		rm -f "$NETNS_FILE"
	fi
	common_teardown
}

# host_ns TYPE: "type:[inode]" of the test runner's namespace.
host_ns() {
	readlink "/proc/self/ns/$1"
}

@test "hostname" {
	set_args hostname
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = brig-test ]
}

@test "domainname" {
	# runtime-spec 1.2 field; runc 1.1 ignores it.
	requires_brig
	update_config '.domainname = "example.org"'
	set_args cat /proc/sys/kernel/domainname
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = example.org ]
}

@test "the host's hostname is not changed" {
	before=$(hostname)
	update_config '.hostname = "changed-in-ct"'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(hostname)" = "$before" ]
}

@test "new uts, ipc, mount, pid and net namespaces differ from the host's" {
	set_args sh -c 'for t in uts ipc mnt pid net; do readlink /proc/self/ns/$t; done'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[0]}" != "$(host_ns uts)" ]
	[ "${lines[1]}" != "$(host_ns ipc)" ]
	[ "${lines[2]}" != "$(host_ns mnt)" ]
	[ "${lines[3]}" != "$(host_ns pid)" ]
	[ "${lines[4]}" != "$(host_ns net)" ]
}

@test "pid namespace: only the container's processes are visible" {
	set_args sh -c 'ls -d /proc/[0-9]* | wc -l; echo $$'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	# sh (pid 1) and ls, wc: at most three.
	[ "${lines[0]}" -le 3 ]
	[ "${lines[1]}" = 1 ]
}

@test "network namespace: only lo, and it is up" {
	set_args sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = lo ]
	# IFF_UP is bit 0 of the flags.
	[ $((${lines[2]} & 1)) -eq 1 ]
}

@test "ipc namespace: the host's SysV objects are not visible" {
	id=$(ipcmk -M 4096 2>/dev/null | awk '{ print $NF }') || skip "ipcmk not available"
	set_args cat /proc/sysvipc/shm
	brig_run "$CT"
	ipcrm -m "$id"
	[ "$status" -eq 0 ]
	[[ "$output" != *" $id "* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "no network namespace in the config: the host's is shared" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args readlink /proc/self/ns/net
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(host_ns net)" ]
}

@test "no uts namespace: the host's is shared (and hostname must be unset)" {
	update_config '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname)'
	set_args readlink /proc/self/ns/uts
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(host_ns uts)" ]
}

@test "join a network namespace by path" {
	requires_root "the test makes a named network namespace (/run, unshare --net)"
	NETNS_FILE=/run/brig-test-$CT-net
	touch "$NETNS_FILE"
	unshare --net="$NETNS_FILE" true
	ino=$(stat -L -c %i "$NETNS_FILE")
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "$NETNS_FILE"
	set_args readlink /proc/self/ns/net
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "net:[$ino]" ]
}

@test "join the ipc namespace of another container by /proc path" {
	requires_root "joining another container's namespace needs its user namespace too"
	set_args sleep 10
	create_ct "${CT}a"
	pid=$(ct_pid "${CT}a")
	want=$(readlink "/proc/$pid/ns/ipc")
	update_config '.linux.namespaces |= map(if .type == "ipc" then .path = $p else . end)' \
		--arg p "/proc/$pid/ns/ipc"
	set_args readlink /proc/self/ns/ipc
	brig_run "${CT}b"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "a namespace path of the wrong type fails, leaving nothing" {
	requires_root "the test makes a named network namespace (/run, unshare --net)"
	NETNS_FILE=/run/brig-test-$CT-net
	touch "$NETNS_FILE"
	unshare --net="$NETNS_FILE" true
	update_config '.linux.namespaces |= map(if .type == "ipc" then .path = $p else . end)' \
		--arg p "$NETNS_FILE"
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}

@test "a namespace path that does not exist fails, leaving nothing" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/run/brig-test-no-such-netns" else . end)'
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}
