#!/usr/bin/env bats
# cgroups.bats - linux.resources read back from the cgroup files, and the
# commands that act on a container's cgroup: update, pause, resume,
# events, ps, kill --all, delete.
#
# Every container here uses cgroupsPath $CG_PATH under a parent that only
# this test uses (cg_setup in helpers.bash); teardown fails the test if
# the container's cgroup is left behind, and removes the parent.  Values
# are named by their v1 files; cg_expect reads the v2 file (and converts
# the value as runc does) where the controller lives on cgroup2.

load helpers

setup() {
	common_setup
	cg_setup
}

teardown() {
	local ok=0
	common_teardown || ok=1
	cg_teardown || ok=1
	return "$ok"
}

# resources JQ [JQ_ARGS...]: set .linux.resources to the JQ expression.
resources() {
	local filter=$1
	shift
	update_config ".linux.resources = ($filter)" "$@"
}

# start_sleeping: create and start a container that sleeps (long enough
# for the test; teardown deletes it).
start_sleeping() {
	set_args sleep 100
	create_ct "$CT" || { ct_err "$CT" >&2; return 1; }
	rt start "$CT"
	wait_status "$CT" running
}

# wait_file FILE PATTERN [TENTHS]: poll until FILE has a line matching
# PATTERN (grep -E), up to TENTHS tenths of a second (default 50).
wait_file() {
	local i
	for i in $(seq "${3:-50}"); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$1: no line matching '$2' in:" >&2
	cat "$1" >&2 2>/dev/null
	return 1
}

# wait_procs N: poll until the container's cgroup has N processes.
wait_procs() {
	local i n
	for i in $(seq 50); do
		n=$(cg_procs | wc -l)
		[ "$n" -eq "$1" ] && return 0
		sleep 0.1
	done
	echo "cgroup has $n processes, wanted $1" >&2
	return 1
}

# skip_unless_file CONTROLLER V1FILE: skip when this kernel does not offer
# the file (checked in the hierarchy root, before any container).
skip_unless_file() {
	local base f
	base=$(cg_base "$1")
	[ -n "$base" ] || skip "no $1 controller here"
	f=$2
	cg_is_v2 "$1" && f=$(cg_v2_name "$2")
	if [ ! -e "$base/$f" ] && ! ls "$base"/*/"$f" >/dev/null 2>&1; then
		skip "no $f on this kernel"
	fi
}

# ---- resources read back ---------------------------------------------

@test "memory: limit, reservation and swap" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	resources '{memory: {limit: 33554432, reservation: 16777216, swap: 67108864}}'
	start_sleeping
	cg_expect memory memory.limit_in_bytes 33554432
	cg_expect memory memory.soft_limit_in_bytes 16777216
	# v2 holds the swap alone: swap - limit.
	cg_expect memory memory.memsw.limit_in_bytes 67108864 33554432
}

@test "memory: swappiness and disableOOMKiller (v1)" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	cg_is_v2 memory && skip "cgroup v2 has no swappiness nor oom_control"
	resources '{memory: {limit: 33554432, swappiness: 17, disableOOMKiller: true}}'
	start_sleeping
	cg_expect memory memory.swappiness 17
	grep -qx 'oom_kill_disable 1' "$(cg_file memory memory.oom_control)"
}

@test "cpu: shares, quota and period" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	resources '{cpu: {shares: 512, quota: 20000, period: 50000}}'
	start_sleeping
	cg_expect cpu cpu.shares 512
	cg_expect cpu cpu.cfs_quota_us 20000
	cg_expect cpu cpu.cfs_period_us 50000
}

@test "cpu: burst" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	requires_brig # runc 1.1 ignores cpu.burst
	skip_unless_file cpu cpu.cfs_burst_us
	resources '{cpu: {quota: 20000, period: 100000, burst: 10000}}'
	start_sleeping
	cg_expect cpu cpu.cfs_burst_us 10000
}

@test "cpu: idle" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	requires_brig # runc 1.1 ignores cpu.idle
	skip_unless_file cpu cpu.idle
	resources '{cpu: {idle: 1}}'
	start_sleeping
	cg_expect cpu cpu.idle 1
}

@test "cpu: realtimeRuntime and realtimePeriod (v1)" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	cg_is_v2 cpu && skip "cgroup v2 has no real-time group settings"
	skip_unless_file cpu cpu.rt_runtime_us
	requires_brig # runc 1.1 does not give the parent any real-time budget
	resources '{cpu: {realtimeRuntime: 1000, realtimePeriod: 100000}}'
	start_sleeping
	cg_expect cpu cpu.rt_period_us 100000
	cg_expect cpu cpu.rt_runtime_us 1000
}

@test "cpuset: cpus and mems" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	local last
	last=$(($(nproc) - 1))
	resources '{cpu: {cpus: $c, mems: "0"}}' --arg c "$last"
	start_sleeping
	cg_expect cpuset cpuset.cpus "$last"
	cg_expect cpuset cpuset.mems 0
}

@test "pids: limit" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	resources '{pids: {limit: 42}}'
	start_sleeping
	cg_expect pids pids.max 42
}

@test "blockIO: weight" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	if cg_is_v2 blkio; then
		# io.weight is in non-root cgroups only, when io.cost is built in.
		[ -f "$(cg_base blkio)/io.cost.model" ] || skip "no io.weight on this kernel"
	else
		skip_unless_file blkio blkio.weight
	fi
	resources '{blockIO: {weight: 300}}'
	start_sleeping
	# On v2 runc writes io.bfq.weight (same scale) where BFQ offers it.
	if cg_is_v2 blkio && [ -f "$(cg_file blkio io.bfq.weight)" ]; then
		grep -qx 'default 300' "$(cg_file blkio io.bfq.weight)"
	else
		cg_expect blkio blkio.weight 300
	fi
}

@test "blockIO: throttleReadBpsDevice" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	local dev maj min f
	dev=$(cat /sys/block/*/dev | head -n 1)
	[ -n "$dev" ] || skip "no block device"
	maj=${dev%:*}
	min=${dev#*:}
	resources '{blockIO: {throttleReadBpsDevice: [{major: $M, minor: $m, rate: 1048576}]}}' \
		--argjson M "$maj" --argjson m "$min"
	start_sleeping
	if cg_is_v2 io; then
		f=$(cg_file io io.max)
		grep -q "^$dev rbps=1048576 " "$f" || { cat "$f" >&2; false; }
	else
		f=$(cg_file blkio blkio.throttle.read_bps_device)
		grep -qx "$dev 1048576" "$f" || { cat "$f" >&2; false; }
	fi
}

@test "hugepageLimits: 2MB" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	cg_has hugetlb || skip "no hugetlb controller"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	if is_brig || ! cg_is_v2 hugetlb || cg_pure_v2; then
		:
	else
		skip "runc 1.1 cannot set hugetlb on the cgroup2 tree of the hybrid layout"
	fi
	resources '{hugepageLimits: [{pageSize: "2MB", limit: 4194304}]}'
	start_sleeping
	cg_expect hugetlb hugetlb.2MB.limit_in_bytes 4194304
}

@test "unified: written on v2, refused on v1 naming linux.resources.unified" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	resources '{unified: {"pids.max": "33"}}'
	if cg_pure_v2; then
		start_sleeping
		[ "$(cg_read pids pids.max)" = 33 ]
	else
		requires_brig # the error is brig's
		run create_ct "$CT"
		[ "$status" -ne 0 ]
		ct_err "$CT" | grep -q 'linux.resources.unified'
		state_dir_empty
		cg_gone
	fi
}

@test "devices: a deny rule for a device makes opening it fail with EPERM" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	# A node with no driver: allowed it gives ENXIO, denied EPERM.  The
	# later rule wins.
	mknod "$BUNDLE/rootfs/brigdev" c 42 0
	set_args cat /brigdev
	resources '{devices: [{allow: true, type: "c", major: 42, minor: 0, access: "rwm"}]}'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such device or address"* ]]
	update_config '.linux.resources.devices += [{allow: false, type: "c", major: 42, minor: 0, access: "rw"}]'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "devices: after a deny-all rule the default devices stay usable, as with runc" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	# runc spec's rule; runc and crun then allow null, zero, urandom, tty,
	# ptmx and the ptys (and mknod of any node).
	resources '{devices: [{allow: false, access: "rwm"}]}'
	set_args sh -c 'echo x >/dev/null && head -c 1 /dev/zero | wc -c &&
		head -c 1 /dev/urandom >/dev/null && echo defaults-ok'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *defaults-ok* ]]
}

@test "devices: denying /dev/null makes echo > /dev/null fail" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	requires_brig # runc appends allow rules for the default devices
	set_args sh -c 'echo x > /dev/null && echo written'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = written ]
	resources '{devices: [{allow: false, type: "c", major: 1, minor: 3, access: "rwm"}]}'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

# ---- limits enforced ---------------------------------------------------

@test "memory: 32 MiB container allocating 64 MiB is OOM-killed; events reports it" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	local evpid
	# swap = limit: no swap, so the allocation hits the limit.
	resources '{memory: {limit: 33554432, swap: 33554432}}'
	set_args sh -c 'awk "BEGIN { s = \"x\"; while (length(s) < 67108864) s = s s }"
		echo "awk=$?"; sleep 100'
	create_ct "$CT"
	# brig notices an OOM kill at its next reading: read every second.
	# Not through rt: $! must be the process that gets the signal.
	timeout 30 "$RUNTIME" --root "$ROOT" events --interval 1s "$CT" >"$TEST_DIR/events" 2>&1 &
	evpid=$!
	sleep 0.5 # let events register for OOM notifications first
	rt start "$CT"
	wait_file "$TEST_DIR/$CT.out" '^awk=' 100
	grep -qx 'awk=137' "$TEST_DIR/$CT.out"
	wait_file "$TEST_DIR/events" '"type": *"oom"'
	kill "$evpid" 2>/dev/null || true
	wait "$evpid" || true
	jq -s -e --arg id "$CT" 'any(.[]; .type == "oom" and .id == $id)' "$TEST_DIR/events" >/dev/null
	if cg_is_v2 memory; then
		grep -Eq '^oom_kill [1-9]' "$(cg_file memory memory.events)"
	else
		grep -Eq '^oom_kill [1-9]' "$(cg_file memory memory.oom_control)"
	fi
}

@test "pids: pids.max 10 stops a fork bomb" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	# A shell whose fork fails exits: the bomb runs in a shell of its own.
	resources '{pids: {limit: 10}}'
	set_args sh -c 'sh -c "i=0; while [ \$i -lt 40 ]; do sleep 100 & i=\$((i + 1)); done" 2>&1
		echo spawned; exec sleep 100'
	create_ct "$CT"
	rt start "$CT"
	wait_file "$TEST_DIR/$CT.out" '^spawned'
	grep -q "fork" "$TEST_DIR/$CT.out"
	n=$(cg_procs | wc -l)
	echo "processes: $n"
	[ "$n" -le 10 ]
	[ "$n" -ge 8 ]
	[ "$(cg_read pids pids.current)" -le 10 ]
}

# ---- commands ------------------------------------------------------------

@test "events --stats: one line with cpu, memory and pids of the container" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	set_args sh -c 'sleep 100 & exec sleep 100'
	create_ct "$CT"
	rt start "$CT"
	wait_procs 2
	run rt events --stats "$CT"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	jq -e --arg id "$CT" '.type == "stats" and .id == $id' <<<"$output"
	[ "$(jq -r .data.pids.current <<<"$output")" -eq 2 ]
	jq -e '.data.memory.usage.usage > 0' <<<"$output"
	jq -e '.data.cpu.usage.total > 0' <<<"$output"
}

@test "update changes the limits of a running container" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	local cpu
	cpu=$(($(nproc) - 1))
	resources '{memory: {limit: 67108864}, cpu: {shares: 512, quota: 20000, period: 100000, cpus: "0"},
		pids: {limit: 50}}'
	start_sleeping
	rt update --memory 134217728 --memory-swap 268435456 --memory-reservation 33554432 \
		--cpu-share 1024 --cpu-quota 30000 --cpu-period 200000 \
		--cpuset-cpus "$cpu" --pids-limit 20 "$CT"
	cg_expect memory memory.limit_in_bytes 134217728
	cg_expect memory memory.memsw.limit_in_bytes 268435456 134217728
	cg_expect memory memory.soft_limit_in_bytes 33554432
	cg_expect cpu cpu.shares 1024
	cg_expect cpu cpu.cfs_quota_us 30000
	cg_expect cpu cpu.cfs_period_us 200000
	cg_expect cpuset cpuset.cpus "$cpu"
	cg_expect pids pids.max 20
	[ "$(ct_status "$CT")" = running ]
}

@test "update -r reads a resources object from a file and from stdin" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	resources '{memory: {limit: 67108864}, pids: {limit: 50}}'
	start_sleeping
	echo '{"memory": {"limit": 100663296}, "pids": {"limit": 30}}' >"$TEST_DIR/r.json"
	rt update -r "$TEST_DIR/r.json" "$CT"
	cg_expect memory memory.limit_in_bytes 100663296
	cg_expect pids pids.max 30
	echo '{"pids": {"limit": 25}}' | rt update -r - "$CT"
	cg_expect pids pids.max 25
	cg_expect memory memory.limit_in_bytes 100663296
}

@test "pause freezes the container, resume thaws it" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	local a b
	set_args sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/c; sleep 0.05; done'
	create_ct "$CT"
	rt start "$CT"
	wait_file "$BUNDLE/rootfs/tmp/c" '^[0-9]'
	rt pause "$CT"
	[ "$(ct_status "$CT")" = paused ]
	a=$(cat "$BUNDLE/rootfs/tmp/c")
	sleep 0.5
	b=$(cat "$BUNDLE/rootfs/tmp/c")
	[ "$a" = "$b" ]
	rt resume "$CT"
	[ "$(ct_status "$CT")" = running ]
	sleep 0.5
	b=$(cat "$BUNDLE/rootfs/tmp/c")
	echo "paused at $a, now $b"
	[ "$b" -gt "$a" ]
}

@test "delete --force of a paused container removes it and its cgroup" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	start_sleeping
	rt pause "$CT"
	[ "$(ct_status "$CT")" = paused ]
	rt delete --force "$CT"
	run rt state "$CT"
	[ "$status" -ne 0 ]
	cg_gone
	no_test_pids
}

@test "ps -f json lists exactly the processes of the cgroup" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
	create_ct "$CT"
	rt start "$CT"
	wait_procs 3
	run rt ps -f json "$CT"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[]' <<<"$output" | sort -n)" = "$(cg_procs)" ]
}

@test "ps prints ps(1)'s table for the container's processes" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	set_args sh -c 'sleep 100 & exec sleep 100'
	create_ct "$CT"
	rt start "$CT"
	wait_procs 2
	run rt ps "$CT"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 3 ]
	for pid in $(cg_procs); do
		printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | grep -qx "$pid"
	done
	# ps options after the id go to ps(1).
	run rt ps "$CT" -o pid,comm
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	[ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }' | sort -n)" = "$(cg_procs)" ]
}

@test "kill --all signals every process of the container" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	# Both shells note the signal; without --all only the init would.  The
	# init waits a moment before it exits: its exit kills the rest of its
	# pid namespace, maybe before the child's trap has run.
	set_args sh -c 'trap "echo init >>/tmp/m; sleep 1; exit 0" USR1
		sh -c "trap \"echo child >>/tmp/m; exit 0\" USR1; while :; do sleep 0.1; done" &
		while :; do sleep 0.1; done'
	create_ct "$CT"
	rt start "$CT"
	wait_procs 4
	rt kill --all "$CT" USR1
	wait_status "$CT" stopped
	wait_file "$BUNDLE/rootfs/tmp/m" '^child$'
	grep -qx init "$BUNDLE/rootfs/tmp/m"
}

@test "kill --all KILL leaves the cgroup empty" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
	create_ct "$CT"
	rt start "$CT"
	wait_procs 3
	rt kill --all "$CT" KILL
	wait_status "$CT" stopped
	wait_procs 0
}

@test "kill --all of a stopped container succeeds, kill without --all does not (as runc)" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	set_args true
	run_detached "$CT"
	run rt kill --all "$CT" KILL
	[ "$status" -eq 0 ]
	run rt kill "$CT" KILL
	[ "$status" -ne 0 ]
	[[ "$output" == *"not running"* ]]
}

# ---- cgroup lifetime ---------------------------------------------------

@test "the cgroup exists while the container does; delete removes it" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	set_args sleep 100
	create_ct "$CT"
	[ -d "$(dirname "$(cg_file pids cgroup.procs)")" ]
	[ "$(cg_procs)" = "$(ct_pid "$CT")" ]
	rt start "$CT"
	rt kill "$CT" KILL
	wait_status "$CT" stopped
	rt delete "$CT"
	cg_gone
}

@test "run in the foreground leaves no cgroup" {
	resources '{pids: {limit: 20}}'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	cg_gone
	state_dir_empty
}

@test "no cgroupsPath: the cgroup is /<id> in each hierarchy" {
	requires_root "cgroup limits need a delegated cgroup or the privileged brig-cgroup"
	update_config 'del(.linux.cgroupsPath)'
	# The test owns /$CT: its id is unique to this run.
	CG_PARENT=/$CT
	CG_PATH=/$CT
	set_args sleep 100
	# Not through rt, which would give the container a cgroupsPath.
	timeout 30 "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CT" </dev/null \
		>"$TEST_DIR/$CT.out" 2>"$TEST_DIR/$CT.err" || { ct_err "$CT" >&2; false; }
	[ "$(cg_procs)" = "$(ct_pid "$CT")" ]
	rt delete -f "$CT"
	cg_gone
}

@test "a failing createRuntime or createContainer hook removes the cgroup" {
	local kind
	for kind in createRuntime createContainer; do
		base_config
		cg_setup
		update_config '.hooks[$k] = [{path: "/bin/false"}]' --arg k "$kind"
		run create_ct "$CT"
		[ "$status" -ne 0 ]
		cg_gone
		state_dir_empty
	done
}

@test "a process that cannot be executed leaves no cgroup after delete" {
	set_args /nonexistent
	if create_ct "$CT"; then
		run rt start "$CT"
		[ "$status" -ne 0 ]
		rt delete -f "$CT"
	fi
	cg_gone
	state_dir_empty
}

@test "a cgroupsPath that climbs out of its parent is refused" {
	requires_brig
	update_config '.linux.cgroupsPath = $p' --arg p "$CG_PARENT/../$CT-escape"
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	ct_err "$CT" | grep -q 'cgroupsPath'
	cg_gone "/$CT-escape"
	state_dir_empty
}

@test "--systemd-cgroup where systemd does not run: a clear error" {
	[ -d /run/systemd/system ] && skip "systemd runs here"
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:brig-test:$CT"
	run rt --systemd-cgroup create --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *systemd* ]]
	if is_brig; then [[ "$output" == *"not running"* ]]; fi
	state_dir_empty
}

@test "a slice:prefix:name cgroupsPath without systemd: a clear error" {
	requires_brig # runc takes it for a path with colons
	[ -d /run/systemd/system ] && skip "systemd runs here"
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:brig-test:$CT"
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	ct_err "$CT" | grep -q systemd
	state_dir_empty
}
