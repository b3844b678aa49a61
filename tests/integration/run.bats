#!/usr/bin/env bats
# run.bats - foreground run: exit status, signals, stdin; run -d; --keep.

load helpers

# run_bg: start `run` of $CT in the background; output in $TEST_DIR/run.out,
# the runtime's pid in $RUN_PID.
run_bg() {
	# Not through rt(): $! must be the runtime itself, not a subshell.
	"$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$@" "$CT" </dev/null >"$TEST_DIR/run.out" 2>&1 3>&- &
	RUN_PID=$!
}

# wait_run: wait for the background run; its exit status in $status.
wait_run() {
	status=0
	wait "$RUN_PID" || status=$?
}

# ct_proc_pid COMM: wait (~5 s) for the container's process named COMM
# (found by its root, not through state) and print its host pid.
ct_proc_pid() {
	local i p
	for i in $(seq 50); do
		for p in $(test_pids); do
			if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ]; then
				echo "$p"
				return 0
			fi
		done
		sleep 0.1
	done
	echo "no container process $1" >&2
	return 1
}

wait_run_out() {
	local i
	for i in $(seq 50); do
		grep -q "$1" "$TEST_DIR/run.out" && return 0
		sleep 0.1
	done
	echo "never saw $1 in: $(cat "$TEST_DIR/run.out")" >&2
	return 1
}

@test "run: exit status of the process is run's status" {
	for code in 0 1 7 255; do
		set_args sh -c "exit $code"
		brig_run "$CT"
		[ "$status" -eq "$code" ]
	done
}

@test "run: a process killed by SIGKILL gives 137" {
	set_args sleep 10
	run_bg
	pid=$(ct_proc_pid sleep)
	kill -KILL "$pid"
	wait_run
	[ "$status" -eq 137 ]
}

@test "run: a process killed by SIGTERM gives 143 (no pid namespace)" {
	requires_root "without a pid namespace, proc cannot be mounted in a user namespace"
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sleep 10
	run_bg
	pid=$(ct_proc_pid sleep)
	kill -TERM "$pid"
	wait_run
	[ "$status" -eq 143 ]
}

@test "run: state and kill work on a foreground run's container" {
	set_args sh -c 'trap "echo got-USR1; exit 0" USR1; echo ready; while :; do sleep 0.1; done'
	run_bg
	wait_run_out ready
	[ "$(ct_status "$CT")" = running ]
	[ "$(ct_pid "$CT")" = "$(ct_proc_pid sh)" ]
	rt kill "$CT" USR1
	wait_run
	[ "$status" -eq 0 ]
	grep -q got-USR1 "$TEST_DIR/run.out"
}

@test "run: SIGTERM to the runtime reaches the container" {
	set_args sh -c 'trap "echo got-TERM; exit 5" TERM; echo ready; while :; do sleep 0.1; done'
	run_bg
	wait_run_out ready
	kill -TERM "$RUN_PID"
	wait_run
	[ "$status" -eq 5 ]
	grep -q got-TERM "$TEST_DIR/run.out"
}

@test "run: SIGUSR1 and SIGHUP to the runtime reach the container" {
	set_args sh -c 'trap "echo got-USR1" USR1; trap "echo got-HUP; exit 0" HUP; echo ready; while :; do sleep 0.1; done'
	run_bg
	wait_run_out ready
	kill -USR1 "$RUN_PID"
	wait_run_out got-USR1
	kill -HUP "$RUN_PID"
	wait_run
	[ "$status" -eq 0 ]
	grep -q got-HUP "$TEST_DIR/run.out"
}

@test "run: stdin reaches the process" {
	set_args sh -c 'read line; echo "read: $line"'
	run rt run --bundle "$BUNDLE" "$CT" <<<"hello stdin"
	[ "$status" -eq 0 ]
	[ "$output" = "read: hello stdin" ]
}

@test "run: stdout and stderr are kept apart" {
	set_args sh -c 'echo to-out; echo to-err >&2'
	rt run --bundle "$BUNDLE" "$CT" </dev/null >"$TEST_DIR/o" 2>"$TEST_DIR/e"
	[ "$(cat "$TEST_DIR/o")" = to-out ]
	[ "$(cat "$TEST_DIR/e")" = to-err ]
}

@test "run: the container is deleted at the end" {
	brig_run "$CT"
	[ "$status" -eq 0 ]
	run rt state "$CT"
	[ "$status" -ne 0 ]
	state_dir_empty
}

@test "run --keep: the stopped container stays until delete" {
	requires_brig
	set_args sh -c 'exit 3'
	brig_run --keep "$CT"
	[ "$status" -eq 3 ]
	[ "$(ct_status "$CT")" = stopped ]
	rt delete "$CT"
	state_dir_empty
}

@test "run -d: returns while the container runs" {
	set_args sh -c 'echo detached-output; sleep 10'
	SECONDS=0
	rt run -d --bundle "$BUNDLE" "$CT" </dev/null >"$TEST_DIR/run.out" 2>&1
	[ "$SECONDS" -lt 5 ]
	[ "$(ct_status "$CT")" = running ]
	wait_run_out detached-output
	rt kill "$CT" KILL
	wait_status "$CT" stopped
	rt delete "$CT"
	state_dir_empty
	no_test_pids
}

@test "run -d --pid-file" {
	set_args sleep 10
	rt run -d --pid-file "$TEST_DIR/pid" --bundle "$BUNDLE" "$CT" </dev/null >/dev/null 2>&1
	[ "$(cat "$TEST_DIR/pid")" = "$(ct_pid "$CT")" ]
	rt delete -f "$CT"
}

@test "run: hooks and process together, a quick one" {
	update_config '.hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", "cat >" + $f], env: []}]' \
		--arg f "$TEST_DIR/poststop.json"
	set_args true
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$TEST_DIR/poststop.json")" = stopped ]
}
