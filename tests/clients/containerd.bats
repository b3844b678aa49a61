#!/usr/bin/env bats
# containerd.bats - containerd (io.containerd.runc.v2 shim) drives brig:
# ctr run (output, exit status), run -d, task exec, ps, pause/resume, kill,
# delete, --memory-limit.
#
# setup-containerd starts a containerd of our own (config version 2, CRI
# off, root/state/socket under a temp dir) and imports the busybox image;
# teardown-containerd stops it and removes everything.  The shim runs the
# runtime under test through --runc-binary, with --runc-root under the
# temp dir and each container's cgroup under /brig-ct-NAME.  RUNTIME=runc
# (or BRIG_CLIENT_RUNTIME=PATH) runs the same tests with runc.
#
# ctr does not close a container's stdin at the end of its own input:
# stdin is /dev/null here, and nothing is ever piped into ctr run.

load lib

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	[ -x /usr/bin/containerd ] || return 0
	CT_DIR=$(mktemp -d /tmp/brig-ct.XXXXXX)
	export CT_DIR CT_RUNTIME
	CT_RUNTIME=$(cl_runtime "$CT_DIR/bin")
	export CT_CGROUP=brig-ct-${CT_DIR##*/}
	local line
	while read -r line; do
		export "${line?}"
	done < <("$BATS_TEST_DIRNAME/setup-containerd" "$CT_DIR")
}

teardown_file() {
	[ -n "${CT_DIR:-}" ] || return 0
	"$BATS_TEST_DIRNAME/teardown-containerd" "$CT_DIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "containerd needs root"
	[ -x /usr/bin/containerd ] || skip "no containerd (scripts/install-deps)"
	[ -n "${CT_ADDR:-}" ] || skip "containerd did not start (setup-containerd)"
	NAME=ct$$-$BATS_TEST_NUMBER
}

teardown() {
	[ -n "${CT_ADDR:-}" ] || return 0
	ct tasks kill -s KILL "$NAME" >/dev/null 2>&1
	ct tasks delete -f "$NAME" >/dev/null 2>&1
	ct containers delete "$NAME" >/dev/null 2>&1
	return 0
}

ct() {
	timeout -k 5 60 ctr -a "$CT_ADDR" -n "$CT_NS" "$@" </dev/null
}

# ct_run [--OPTION[=VALUE]...] COMMAND...: ctr run of localhost/busybox as
# $NAME with the runtime under test.
ct_run() {
	local opts=()
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		opts+=("$1")
		shift
	done
	ct run --runtime io.containerd.runc.v2 --runc-binary "$CT_RUNTIME" \
		--runc-root "$CT_DIR/runc" --fifo-dir "$CT_DIR/fifo" \
		--cgroup "/$CT_CGROUP/$NAME" "${opts[@]}" \
		localhost/busybox:latest "$NAME" "$@"
}

# ct_exec ARGS...: ctr tasks exec, its fifos under the temp dir.
ct_exec() {
	ct tasks exec --fifo-dir "$CT_DIR/fifo" "$@"
}

task_status() {
	ct tasks ls | awk -v n="$NAME" '$1 == n { print $3 }'
}

@test "containerd: ctr run prints the output and passes the exit status on" {
	run ct_run --rm sh -c 'echo hello from containerd'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from containerd" ]
	run ct_run --rm sh -c 'exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	run ct containers ls -q
	[[ "$output" != *"$NAME"* ]]
}

@test "containerd: a missing executable fails ctr run and leaves no task" {
	run ct_run --rm /nonexistent
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/nonexistent"*"no such file or directory"* ]]
	run ct tasks ls -q
	[[ "$output" != *"$NAME"* ]]
}

@test "containerd: run -d, task exec, ps, kill, delete" {
	run ct_run -d --env=FOO=bar sh -c 'trap "exit 4" TERM; while :; do sleep 0.1; done'
	echo "$output"
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "[ \"\$(ctr -a $CT_ADDR -n $CT_NS tasks ls | awk '\$1 == \"$NAME\" { print \$3 }')\" = RUNNING ]"
	run ct_exec --exec-id e1 "$NAME" sh -c 'echo $FOO $(cat /proc/1/cmdline | tr "\0" " ")'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "bar sh -c trap"* ]]
	run ct_exec --exec-id e2 "$NAME" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run ct tasks ps "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk 'NR > 1' | wc -l)" -ge 1 ]
	run ct tasks kill "$NAME"
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "[ \"\$(ctr -a $CT_ADDR -n $CT_NS tasks ls | awk '\$1 == \"$NAME\" { print \$3 }')\" = STOPPED ]"
	run ct tasks delete "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"4"* ]]
	run ct containers delete "$NAME"
	[ "$status" -eq 0 ]
	run ct containers ls -q
	[[ "$output" != *"$NAME"* ]]
}

@test "containerd: kill -s KILL, then delete of the stopped task" {
	run ct_run -d sleep 1000
	[ "$status" -eq 0 ]
	run ct tasks kill -s KILL "$NAME"
	[ "$status" -eq 0 ]
	cl_wait_for 10 sh -c "[ \"\$(ctr -a $CT_ADDR -n $CT_NS tasks ls | awk '\$1 == \"$NAME\" { print \$3 }')\" = STOPPED ]"
	run ct tasks delete "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *137* ]]
}

@test "containerd: pause and resume" {
	run ct_run -d sleep 1000
	[ "$status" -eq 0 ]
	run ct tasks pause "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(task_status)" = PAUSED ]
	run ct tasks resume "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(task_status)" = RUNNING ]
}

@test "containerd: --memory-limit takes effect" {
	run ct_run -d --memory-limit=67108864 sleep 1000
	[ "$status" -eq 0 ]
	if [ -d "/sys/fs/cgroup/memory/$CT_CGROUP" ]; then
		run cat "/sys/fs/cgroup/memory/$CT_CGROUP/$NAME/memory.limit_in_bytes"
	else
		run cat "/sys/fs/cgroup/$CT_CGROUP/$NAME/memory.max"
	fi
	echo "$output"
	[ "$output" = 67108864 ]
	run ct_exec --exec-id m1 "$NAME" sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo ${#x}'
	echo "$output"
	[ "$status" -eq 137 ]
}
