#!/usr/bin/env bats
# tty.bats - process.terminal: `run` relaying a pty in the foreground (raw
# mode, window size, ^C), `create --console-socket` handing the pty master
# over as runc does, and `exec -t`.  script(1) gives the runtime a
# terminal; recvtty (tests/integration/probe) is the console socket's
# other end.

load helpers

RECVTTY=${RECVTTY:-$REPO/build/tests/integration/probe/recvtty}

setup() {
	common_setup
	command -v script >/dev/null || skip "no script(1) (bsdutils)"
	update_config '.process.terminal = true'
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	common_teardown
}

# in_tty CMD: run CMD (a shell string) with a terminal of 30 rows and 100
# columns; input comes from stdin.  SHELL=/bin/sh: script(1) runs CMD with
# $SHELL -c, and runs here and in CI must not differ by the caller's shell.
in_tty() {
	SHELL=/bin/sh timeout -k 5 60 script -qec "stty rows 30 cols 100; $1" /dev/null
}

# rt_line ARGS: the runtime command line as one shell string.
rt_line() {
	printf '%q ' timeout --foreground -k 5 30 "$RUNTIME" --root "$ROOT" "$@"
}

# recv_start: recvtty listening on $SOCK, its output in $TEST_DIR/recv.out.
recv_start() {
	[ -x "$RECVTTY" ] || skip "no recvtty (build the tree first)"
	SOCK=$TEST_DIR/console.sock
	"$RECVTTY" "$SOCK" "$@" >"$TEST_DIR/recv.out" 2>&1 3>&- &
	RECV_PID=$!
	for _ in $(seq 50); do
		grep -q ready "$TEST_DIR/recv.out" && return 0
		sleep 0.1
	done
	return 1
}

# recv_wait TEXT: until recvtty printed TEXT.
recv_wait() {
	for _ in $(seq 100); do
		grep -q "$1" "$TEST_DIR/recv.out" && return 0
		sleep 0.1
	done
	cat "$TEST_DIR/recv.out" >&2
	return 1
}

@test "tty: run in the foreground gives the process a terminal with our window size" {
	set_args sh -c 'tty; stty size'
	auto_cgroup_path "$CT"
	run in_tty "$(rt_line run --bundle "$BUNDLE" "$CT")" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"30 100"* ]]
}

@test "tty: what we type reaches the process, and its exit status comes back" {
	set_args sh
	auto_cgroup_path "$CT"
	run in_tty "$(rt_line run --bundle "$BUNDLE" "$CT")" < <(sleep 1; echo 'echo typed-$((6*7)); exit 3'; sleep 2)
	[ "$status" -eq 3 ]
	[[ "$output" == *typed-42* ]]
}

@test "tty: ^C reaches the container's process" {
	# The container's sh is pid 1 of its namespace: only a signal it
	# handles reaches it, so it traps SIGINT and says so.
	set_args sh -c 'trap "echo got-sigint" INT; echo started; cat; echo "cat-$?"'
	auto_cgroup_path "$CT"
	run in_tty "$(rt_line run --bundle "$BUNDLE" "$CT")" < <(sleep 1.5; printf '\003'; sleep 2)
	[[ "$output" == *started* ]]
	[[ "$output" == *got-sigint* ]]
	[[ "$output" == *cat-130* ]]
}

@test "tty: process.consoleSize sets the window size" {
	update_config '.process.consoleSize = {height: 12, width: 34}'
	recv_start
	set_args sh -c 'stty size'
	create_ct --console-socket "$SOCK" "$CT"
	rt start "$CT"
	recv_wait "12 34"
}

@test "tty: create --console-socket sends the pty master, named /dev/ptmx" {
	recv_start 'echo from-input-$((2+3))
'
	set_args sh -c 'tty; read line; eval "$line"'
	create_ct --console-socket "$SOCK" "$CT" || { ct_err "$CT"; false; }
	recv_wait "name: /dev/ptmx"
	rt start "$CT"
	recv_wait "/dev/pts/0"
	recv_wait "from-input-5"
}

@test "tty: create without --console-socket is refused" {
	set_args true
	run rt create --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"console"* ]]
	state_dir_empty
}

@test "tty: run --detach without --console-socket is refused" {
	requires_brig
	set_args true
	run rt run -d --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.terminal"*"--console-socket"* ]]
	state_dir_empty
}

@test "tty: exec -t relays a terminal, exec -t --console-socket hands it over" {
	update_config '.process.terminal = false'
	set_args sleep 100
	create_ct "$CT"
	rt start "$CT"
	run in_tty "$(rt_line exec -t "$CT" sh -c 'tty; stty size')" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"30 100"* ]]
	recv_start
	rt exec -t -d --console-socket "$SOCK" "$CT" sh -c 'echo exec-tty; tty'
	recv_wait "exec-tty"
	recv_wait "/dev/pts/"
}
