#!/usr/bin/env bats
# state.bats - state, list, kill, delete, pid-file.

load helpers

# A process that reports SIGTERM/SIGUSR1 on stdout and then exits.
signal_reporter() {
	set_args sh -c 'trap "echo got-TERM; exit 0" TERM; trap "echo got-USR1; exit 0" USR1
		echo ready; while :; do sleep 0.1; done'
}

# wait_out ID TEXT: wait (~5 s) until the container's stdout holds TEXT.
wait_out() {
	local i
	for i in $(seq 50); do
		grep -q "$2" "$TEST_DIR/$1.out" && return 0
		sleep 0.1
	done
	echo "container $1 never printed $2; output: $(ct_out "$1")" >&2
	return 1
}

@test "state of a created container" {
	update_config '.annotations = {"org.example.key": "value"}'
	set_args sleep 10
	create_ct "$CT"
	run rt state "$CT"
	[ "$status" -eq 0 ]
	echo "$output"
	[ "$(jq -r .id <<<"$output")" = "$CT" ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r '.annotations["org.example.key"]' <<<"$output")" = value ]
	jq -e .ociVersion <<<"$output"
	jq -e .created <<<"$output"
	[ "$(jq -r .rootfs <<<"$output")" = "$BUNDLE/rootfs" ]
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" -gt 1 ]
	# The init is alive but has not exec'd the user process yet.
	[ -d "/proc/$pid" ]
	[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" != "sleep 10 " ]]
}

@test "state: created, running, stopped" {
	set_args sleep 0.5
	create_ct "$CT"
	[ "$(ct_status "$CT")" = created ]
	rt start "$CT"
	[ "$(ct_status "$CT")" = running ]
	wait_status "$CT" stopped
	run rt state "$CT"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = stopped ]
}

@test "a dead init: state says stopped" {
	set_args sleep 10
	create_ct "$CT"
	rt start "$CT"
	pid=$(ct_pid "$CT")
	kill -9 "$pid"
	wait_status "$CT" stopped
	rt delete "$CT"
	state_dir_empty
}

@test "an init killed before start: state says stopped" {
	set_args sleep 10
	create_ct "$CT"
	kill -9 "$(ct_pid "$CT")"
	wait_status "$CT" stopped
	run rt start "$CT"
	[ "$status" -ne 0 ]
}

@test "list: table with header and one row per container" {
	requires_root "the OWNER column checked is root"
	set_args sleep 10
	create_ct "${CT}a"
	create_ct "${CT}b"
	rt start "${CT}b"
	run rt list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID[[:space:]]+PID[[:space:]]+STATUS[[:space:]]+BUNDLE[[:space:]]+CREATED[[:space:]]+OWNER ]]
	[ "${#lines[@]}" -eq 3 ]
	row_a=$(printf '%s\n' "${lines[@]}" | awk -v id="${CT}a" '$1 == id')
	row_b=$(printf '%s\n' "${lines[@]}" | awk -v id="${CT}b" '$1 == id')
	[ "$(awk '{ print $3 }' <<<"$row_a")" = created ]
	[ "$(awk '{ print $3 }' <<<"$row_b")" = running ]
	[ "$(awk '{ print $2 }' <<<"$row_a")" = "$(ct_pid "${CT}a")" ]
	[ "$(awk '{ print $4 }' <<<"$row_a")" = "$BUNDLE" ]
	[ "$(awk '{ print $6 }' <<<"$row_a")" = root ]
}

@test "list -q: ids only" {
	set_args sleep 10
	create_ct "${CT}a"
	create_ct "${CT}b"
	run rt list -q
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "${CT}a ${CT}b " ]
}

@test "list --format json" {
	set_args sleep 10
	create_ct "$CT"
	run rt list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].id' <<<"$output")" = "$CT" ]
	[ "$(jq -r '.[0].status' <<<"$output")" = created ]
	[ "$(jq -r '.[0].pid' <<<"$output")" = "$(ct_pid "$CT")" ]
	[ "$(jq -r '.[0].bundle' <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r 'length' <<<"$output")" = 1 ]
}

@test "list with nothing in the root" {
	run rt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run rt list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r 'length' <<<"${output:-[]}")" = 0 ]
}

@test "kill with no signal sends TERM" {
	signal_reporter
	create_ct "$CT"
	rt start "$CT"
	wait_out "$CT" ready
	rt kill "$CT"
	wait_status "$CT" stopped
	grep -q got-TERM "$TEST_DIR/$CT.out"
}

@test "kill by name: TERM, SIGUSR1" {
	signal_reporter
	create_ct "$CT"
	rt start "$CT"
	wait_out "$CT" ready
	rt kill "$CT" SIGUSR1
	wait_status "$CT" stopped
	grep -q got-USR1 "$TEST_DIR/$CT.out"

	create_ct "${CT}b"
	rt start "${CT}b"
	wait_out "${CT}b" ready
	rt kill "${CT}b" TERM
	wait_status "${CT}b" stopped
	grep -q got-TERM "$TEST_DIR/${CT}b.out"
}

@test "kill by number: 10 (USR1) and 9" {
	signal_reporter
	create_ct "$CT"
	rt start "$CT"
	wait_out "$CT" ready
	rt kill "$CT" 10
	wait_status "$CT" stopped
	grep -q got-USR1 "$TEST_DIR/$CT.out"

	set_args sleep 10
	create_ct "${CT}b"
	rt start "${CT}b"
	rt kill "${CT}b" 9
	wait_status "${CT}b" stopped
}

@test "kill of a created container works (KILL)" {
	set_args sleep 10
	create_ct "$CT"
	rt kill "$CT" KILL
	wait_status "$CT" stopped
	no_test_pids
}

@test "kill of a stopped container fails" {
	create_ct "$CT"
	start_and_wait "$CT"
	run rt kill "$CT" KILL
	[ "$status" -ne 0 ]
}

@test "kill with an unknown signal fails" {
	set_args sleep 10
	create_ct "$CT"
	run rt kill "$CT" SIGNOPE
	[ "$status" -ne 0 ]
	[ "$(ct_status "$CT")" = created ]
}

@test "kill --all: every process of the container, no pid namespace" {
	requires_root "without a pid namespace, proc cannot be mounted in a user namespace"
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 100 & sleep 100 & echo ready; wait'
	create_ct "$CT"
	rt start "$CT"
	wait_out "$CT" ready
	[ "$(test_pids | wc -l)" -ge 3 ]
	rt kill --all "$CT" KILL
	wait_status "$CT" stopped
	no_test_pids
}

@test "delete of a stopped container" {
	create_ct "$CT"
	start_and_wait "$CT"
	rt delete "$CT"
	state_dir_empty
	run rt state "$CT"
	[ "$status" -ne 0 ]
}

@test "delete --force of a running container" {
	set_args sh -c 'sleep 100 & sleep 100'
	create_ct "$CT"
	rt start "$CT"
	wait_status "$CT" running
	rt delete --force "$CT"
	no_test_pids
	state_dir_empty
}

@test "delete -f of a created container" {
	set_args sleep 100
	create_ct "$CT"
	rt delete -f "$CT"
	no_test_pids
	state_dir_empty
}

@test "commands on a container that does not exist say so" {
	for cmd in state start delete kill; do
		run rt $cmd "nosuch-$CT"
		[ "$status" -ne 0 ]
		[[ "$output" == *"does not exist"* ]]
	done
}

@test "delete --force of a container that does not exist" {
	# runc: exit 0 when forced; the spec only asks that nothing breaks.
	run rt delete --force "nosuch-$CT"
	state_dir_empty
}

@test "--pid-file holds the init's pid" {
	set_args sleep 10
	rt create --bundle "$BUNDLE" --pid-file "$TEST_DIR/pidfile" "$CT" </dev/null >/dev/null 2>&1
	[ "$(cat "$TEST_DIR/pidfile")" = "$(ct_pid "$CT")" ]
}

@test "--pid-file with a relative path is taken from the cwd" {
	set_args sleep 10
	cd "$TEST_DIR"
	rt create --bundle "$BUNDLE" --pid-file rel.pid "$CT" </dev/null >/dev/null 2>&1
	[ "$(cat "$TEST_DIR/rel.pid")" = "$(ct_pid "$CT")" ]
}

@test "--bundle defaults to the cwd" {
	cd "$BUNDLE"
	set_args sleep 10
	rt create "$CT" </dev/null >/dev/null 2>&1
	[ "$(rt state "$CT" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "an id with a slash or .. is refused" {
	for id in "a/b" ".." "../x"; do
		run rt create --bundle "$BUNDLE" "$id" </dev/null
		[ "$status" -ne 0 ]
	done
	state_dir_empty
	[ ! -e "$TEST_DIR/x" ]
}
