#!/usr/bin/env bats
# rlimits.bats - process.rlimits.

load helpers

# limit_of NAME: "soft hard" of a /proc/self/limits row in $output.
limit_of() {
	grep "^$1 " <<<"$output" | sed "s/^$1 *//" | awk '{ print $1, $2 }'
}

@test "default NOFILE 1024" {
	set_args sh -c 'ulimit -Sn; ulimit -Hn'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1024 ]
	[ "${lines[1]}" = 1024 ]
}

@test "soft and hard differ" {
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 2048}]'
	set_args sh -c 'ulimit -Sn; ulimit -Hn'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = 2048 ]
}

@test "several limits at once" {
	update_config '.process.rlimits = [
		{type: "RLIMIT_NOFILE", soft: 100, hard: 200},
		{type: "RLIMIT_NPROC", soft: 300, hard: 400},
		{type: "RLIMIT_CORE", soft: 0, hard: 4096},
		{type: "RLIMIT_MSGQUEUE", soft: 8192, hard: 16384},
		{type: "RLIMIT_STACK", soft: 4194304, hard: 8388608}]'
	set_args cat /proc/self/limits
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(limit_of 'Max open files')" = "100 200" ]
	[ "$(limit_of 'Max processes')" = "300 400" ]
	[ "$(limit_of 'Max core file size')" = "0 4096" ]
	[ "$(limit_of 'Max msgqueue size')" = "8192 16384" ]
	[ "$(limit_of 'Max stack size')" = "4194304 8388608" ]
}

@test "rlimits hold for a non-root user too" {
	update_config '.process.user = {uid: 1000, gid: 1000}
		| .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 64, hard: 128}]'
	set_args sh -c 'ulimit -Sn; ulimit -Hn'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 64 ]
	[ "${lines[1]}" = 128 ]
}

@test "a hard limit above the runtime's own fails create, leaving nothing" {
	# Without CAP_SYS_RESOURCE a hard limit cannot be raised.
	if grep -q '^CapEff:' /proc/self/status &&
		(($(printf '%d' "0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status)") & (1 << 24))); then
		skip "the test runner has CAP_SYS_RESOURCE"
	fi
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no hard NOFILE limit here"
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $h}]' \
		--argjson h $((hard + 1))
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}
