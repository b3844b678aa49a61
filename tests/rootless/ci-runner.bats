#!/usr/bin/env bats
# ci-runner.bats - the CI-runner scenario: an unprivileged user (the test
# user of tests/rootless/run) sandboxes an untrusted job script in a
# rootless container: new network namespace with only lo, readonly root,
# a tmpfs work dir /work, and a memory limit from /etc/brig/policy (the
# privileged brig-cgroup).  The job tries to read a host file, list host
# processes, reach a host service and write outside /work; each attempt
# that works prints a LEAK line.

load ../integration/helpers

setup() {
	is_rootless || skip "the CI-runner scenario runs as an unprivileged user (tests/rootless/run)"
	common_setup
	# A host file the user may read but the job must not: stands for the
	# runner's secrets (/etc/shadow-like).
	MARKER=$TEST_DIR/host-secret
	echo "ci-runner-host-secret-$$" >"$MARKER"
	# A host process of the user: the job must not see it.
	sleep 3141 &
	HOST_PID=$!
	# A host service on loopback: the job must not reach it.
	PORT=$((20000 + RANDOM % 20000))
	busybox nc -l -p "$PORT" </dev/null >/dev/null 2>&1 3>&- &
	NC_PID=$!
	job_bundle
}

teardown() {
	[ -n "${HOST_PID:-}" ] && kill "$HOST_PID" 2>/dev/null
	[ -n "${NC_PID:-}" ] && kill "$NC_PID" 2>/dev/null
	wait 2>/dev/null
	common_teardown
}

# job_bundle: the job script in the rootfs and the sandbox config.
job_bundle() {
	mkdir -p "$BUNDLE/rootfs/work"
	cat >"$BUNDLE/rootfs/job.sh" <<-JOB
		#!/bin/sh
		# The untrusted job: some work in /work, then it pokes at the host.
		echo "built" >/work/artifact && echo "work=\$(cat /work/artifact)"
		cat "$MARKER" 2>/dev/null && echo "LEAK host-file"
		cat /etc/shadow 2>/dev/null && echo "LEAK shadow"
		grep -rl ci-runner-host-secret /etc /home /root /tmp 2>/dev/null && echo "LEAK secret-found"
		touch /pwned 2>/dev/null && echo "LEAK write /"
		touch /etc/pwned 2>/dev/null && echo "LEAK write /etc"
		touch /tmp/pwned 2>/dev/null && echo "LEAK write /tmp"
		echo "pids=\$(ls /proc | grep -E '^[0-9]+\$' | tr '\n' ' ')"
		ps -o pid,args | grep -q '[s]leep 3141' && echo "LEAK host-process"
		echo "links=\$(ip -o link | awk -F': ' '{ print \$2 }' | tr '\n' ' ')"
		nc -w 2 127.0.0.1 $PORT </dev/null 2>/dev/null && echo "LEAK host-service"
		wget -q -T 2 -O /dev/null http://10.0.2.2/ 2>/dev/null && echo "LEAK network"
		echo "job done"
		exit 42
	JOB
	chmod 0755 "$BUNDLE/rootfs/job.sh"
	set_args /job.sh
	update_config '.root.readonly = true
		| .mounts += [{destination: "/work", type: "tmpfs", source: "tmpfs",
			options: ["nosuid", "nodev", "mode=1777", "size=16m"]}]
		| .linux.namespaces |= (map(select(.type != "network")) + [{type: "network"}])'
}

@test "ci-runner: the job runs sandboxed, its exit status propagated" {
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 42 ]
	[[ "$output" == *"work=built"* ]]
	[[ "$output" == *"job done"* ]]
	[[ "$output" != *LEAK* ]]
}

@test "ci-runner: the job sees only its own processes" {
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 42 ]
	pids=$(grep '^pids=' <<<"$output")
	# sh (pid 1), ls and the subshells of the job; no host pid.
	[[ "$pids" == "pids=1 "* ]]
	for p in ${pids#pids=}; do
		[ "$p" -lt 100 ]
	done
	[[ "$output" != *"LEAK host-process"* ]]
	kill -0 "$HOST_PID"
}

@test "ci-runner: the job has no network interface but lo" {
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 42 ]
	[ "$(grep '^links=' <<<"$output")" = "links=lo " ]
	[[ "$output" != *"LEAK host-service"* ]]
	[[ "$output" != *"LEAK network"* ]]
	# The host service was there all along: the host reaches it.
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	exec 5>&-
}

@test "ci-runner: the job cannot read host files or write outside /work" {
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 42 ]
	[[ "$output" != *"LEAK host-file"* ]]
	[[ "$output" != *"LEAK shadow"* ]]
	[[ "$output" != *"LEAK secret-found"* ]]
	[[ "$output" != *"LEAK write"* ]]
	# Nothing of the job reached the bundle on the host.
	[ ! -e "$BUNDLE/rootfs/pwned" ]
	[ ! -e "$BUNDLE/rootfs/work/artifact" ]
}

# policy_cgroup_root: the root of the user's "allow USER cgroup.limit
# root=DIR" line in /etc/brig/policy, when the privileged brig-cgroup is
# installed (setuid or file capabilities) to act on it.
policy_cgroup_root() {
	local helper=$BRIG_HELPER_DIR/brig-cgroup line
	[ -r /etc/brig/policy ] || return 1
	line=$(awk -v u="$(id -un)" '$1 == "allow" && $2 == u && $3 == "cgroup.limit"' /etc/brig/policy | head -n 1)
	[ -n "$line" ] || return 1
	if [ ! -u "$helper" ] && [ -z "$(getcap "$helper" 2>/dev/null)" ]; then
		return 1
	fi
	sed -n 's/.*root=\([^ ]*\).*/\1/p' <<<"$line"
}

@test "ci-runner: the job's memory limit comes from the policy" {
	local root pid path limit
	root=$(policy_cgroup_root) ||
		skip "no privileged brig-cgroup with a policy line for $(id -un) in /etc/brig/policy here (the adversary suite runs this case with its setuid test prefix: tests/adversary/rootless-limits.bats)"
	update_config '.linux.resources.memory.limit = 67108864 | .linux.cgroupsPath = $p' \
		--arg p "$root/ci-$CT"
	create_ct "$CT"
	pid=$(ct_pid "$CT")
	path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$pid/cgroup")
	[ -n "$path" ]
	[[ "$path" == "$root"/* ]]
	if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
		limit=$(cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes")
	else
		limit=$(cat "/sys/fs/cgroup$path/memory.max")
	fi
	[ "$limit" -eq 67108864 ]
	start_and_wait "$CT"
	[[ "$(ct_out "$CT")" == *"job done"* ]]
	[[ "$(ct_out "$CT")" != *LEAK* ]]
}
