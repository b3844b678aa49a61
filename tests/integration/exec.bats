#!/usr/bin/env bats
# exec.bats - `exec`: a new process in a running container, standing where
# its init stands (namespaces, cgroup, seccomp, capabilities), with runc's
# flags.  Runs against runc too (RUNTIME=runc), except brig's own errors.

load helpers

# start_sleeper: a running container whose init sleeps.
start_sleeper() {
	set_args sleep 100
	create_ct "$CT" || { ct_err "$CT" >&2; return 1; }
	rt start "$CT"
	wait_status "$CT" running
}

# ns_of PID NS: the namespace inode PID is in.
ns_of() {
	readlink "/proc/$1/ns/$2"
}

@test "exec: runs in every namespace of the container and passes the exit status" {
	start_sleeper
	run rt exec "$CT" sh -c 'hostname; ps -o pid,comm | grep -c sleep; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = brig-test ]
	# pid 1 of the container (sleep) is visible: same pid namespace.
	[ "${lines[1]}" = 1 ]
}

@test "exec: the process joins the init's namespaces and cgroup" {
	start_sleeper
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$CT" sleep 30
	pid=$(cat "$TEST_DIR/exec.pid")
	init=$(ct_pid "$CT")
	for ns in mnt pid net ipc uts cgroup; do
		[ "$(ns_of "$pid" "$ns")" = "$(ns_of "$init" "$ns")" ]
	done
	# Same cgroups, line for line (each hierarchy).
	[ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
}

@test "exec: --env, --cwd and --user change the process" {
	start_sleeper
	run rt exec -e FOO=bar -e PATH=/bin --cwd /tmp -u 1000:1000 "$CT" \
		sh -c 'echo "$FOO $PATH"; pwd; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bar /bin" ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 1000 ]
}

@test "exec: --additional-gids and --cap" {
	start_sleeper
	run rt exec -u 1000:1000 -g 10 -g 20 "$CT" id -G
	[ "$status" -eq 0 ]
	[ "$output" = "1000 10 20" ]
	# CAP_SYS_ADMIN (bit 21) is not in the test config; --cap adds it.
	eff=$(rt exec "$CT" awk '/^CapEff/ { print $2 }' /proc/self/status)
	[ $((0x$eff >> 21 & 1)) -eq 0 ]
	eff=$(rt exec --cap CAP_SYS_ADMIN "$CT" awk '/^CapEff/ { print $2 }' /proc/self/status)
	[ $((0x$eff >> 21 & 1)) -eq 1 ]
}

@test "exec: -p takes a runtime-spec process object" {
	start_sleeper
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["sh", "-c", "echo $X; pwd"],
		env: ["PATH=/bin", "X=from-json"], cwd: "/etc"}' >"$TEST_DIR/process.json"
	run rt exec -p "$TEST_DIR/process.json" "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-json ]
	[ "${lines[1]}" = /etc ]
}

@test "exec: --detach returns at once and --pid-file names the process" {
	start_sleeper
	rt exec -d --pid-file "$TEST_DIR/p" "$CT" sleep 5
	pid=$(cat "$TEST_DIR/p")
	[ "$(cat "/proc/$pid/comm")" = sleep ]
	kill -9 "$pid"
}

@test "exec: a signal to the runtime reaches the process" {
	start_sleeper
	rt exec "$CT" sleep 30 &
	runtime_pid=$!
	for _ in $(seq 50); do
		pgrep -P "$runtime_pid" >/dev/null 2>&1 && break
		pgrep -f "^sleep 30" >/dev/null && break
		sleep 0.1
	done
	sleep 0.3
	kill -TERM "$runtime_pid"
	wait "$runtime_pid" && st=0 || st=$?
	# 128 + SIGTERM: the process was killed by the forwarded signal.
	[ "$st" -eq 143 ]
}

@test "exec: the container's seccomp profile applies" {
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]}'
	start_sleeper
	run rt exec "$CT" mkdir /tmp/x
	[ "$status" -ne 0 ]
	[[ "$output" == *"denied"* ]]
}

@test "exec: into a container that does not exist fails, naming it" {
	run rt exec nosuch-$CT true
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "exec: into a stopped container fails" {
	set_args true
	run_detached "$CT"
	run rt exec "$CT" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"not running"* || "$output" == *"stopped"* ]]
}

@test "exec: a missing executable fails with 255 and says which" {
	requires_brig
	start_sleeper
	run rt exec "$CT" /no/such/program
	[ "$status" -eq 255 ]
	[[ "$output" == *'exec: "/no/such/program"'* ]]
}

@test "exec: without a command it says what to give" {
	requires_brig
	start_sleeper
	run rt exec "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no command"*"--process"* ]]
}

@test "exec: --apparmor and --process-label are refused when asked" {
	requires_brig
	start_sleeper
	run rt exec --apparmor foo "$CT" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"--apparmor"*"not supported"* ]]
	run rt exec --process-label foo "$CT" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"--process-label"*"not supported"* ]]
}

@test "exec: --preserve-fds passes fds after stdio" {
	start_sleeper
	run rt exec --preserve-fds 1 "$CT" sh -c 'cat <&3' 3<<<"through-fd-3"
	[ "$status" -eq 0 ]
	[ "$output" = through-fd-3 ]
}

@test "exec: --cgroup puts the process in an existing cgroup under the container's" {
	requires_root "makes a sub-cgroup in the container's cgroup"
	start_sleeper
	cg=$AUTO_CG_PARENT/auto-$CT
	# The sub-cgroup, made by the test in each hierarchy of the container
	# (a v1 cpuset needs its cpus and mems before anyone can join).
	for d in $(cg_dirs "$cg"); do
		mkdir "$d/sub"
		if [ -f "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
		fi
	done
	rt exec -d --pid-file "$TEST_DIR/p" --cgroup sub "$CT" sleep 30
	pid=$(cat "$TEST_DIR/p")
	# Every hierarchy's line ends in the sub-cgroup.
	[ -z "$(grep -v "$cg/sub\$" "/proc/$pid/cgroup")" ]
	kill -9 "$pid"
	for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	for d in $(cg_dirs "$cg"); do rmdir "$d/sub"; done
}

@test "exec: --cgroup refuses a cgroup that does not exist and the controller:path form" {
	requires_brig
	start_sleeper
	run rt exec --cgroup nosuch "$CT" true
	[ "$status" -ne 0 ]
	# Rootless without a cgroup, the container has none to look under.
	[[ "$output" == *"--cgroup nosuch"* || "$output" == *"--cgroup: container"*"has no cgroup"* ]]
	run rt exec --cgroup memory:sub "$CT" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"controller:path form is not offered"* ]]
}
