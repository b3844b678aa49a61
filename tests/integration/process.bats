#!/usr/bin/env bats
# process.bats - process.args, env, cwd, user, groups, umask, exit status.

load helpers

@test "args are passed one by one, spaces kept" {
	set_args sh -c 'for a in "$@"; do echo "[$a]"; done' zero 'a b' '' c
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[a b]" ]
	[ "${lines[1]}" = "[]" ]
	[ "${lines[2]}" = "[c]" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "argv[0] is args[0]" {
	set_args sh -c 'echo "$0"' myzero
	brig_run "$CT"
	[ "$output" = myzero ]
}

@test "env is exactly process.env" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY="]'
	set_args env
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *"FOO=bar baz"* ]]
	[[ "$output" == *"EMPTY="* ]]
	# Nothing of the runtime's own environment leaks in.
	[[ "$output" != *BATS* ]]
	[[ "$output" != *BRIG_HELPER_DIR* ]]
}

@test "PATH from process.env is used to find args[0]" {
	mkdir -p "$BUNDLE/rootfs/opt/bin"
	printf '#!/bin/sh\necho found-in-opt\n' >"$BUNDLE/rootfs/opt/bin/myprog"
	chmod 755 "$BUNDLE/rootfs/opt/bin/myprog"
	update_config '.process.env = ["PATH=/opt/bin:/bin"]'
	set_args myprog
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = found-in-opt ]
}

@test "cwd is process.cwd" {
	mkdir -p "$BUNDLE/rootfs/work/dir"
	update_config '.process.cwd = "/work/dir"'
	set_args pwd
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = /work/dir ]
}

@test "a missing cwd is created" {
	update_config '.process.cwd = "/does/not/exist/yet"'
	set_args pwd
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = /does/not/exist/yet ]
}

@test "user uid and gid" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'id -u; id -g'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
}

@test "nobody 65534" {
	update_config '.process.user = {uid: 65534, gid: 65534}'
	set_args id
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=65534(nobody) gid=65534(nogroup)"* ]]
}

@test "additionalGids are the supplementary groups" {
	update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [2000, 3000]}'
	set_args sh -c 'grep ^Groups: /proc/self/status'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *2000* ]]
	[[ "$output" == *3000* ]]
	run grep -c 'Groups:.*\b0\b' <<<"$output"
	[ "$output" = 0 ]
}

@test "no additionalGids: no supplementary groups (root's are dropped)" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'grep ^Groups: /proc/self/status'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^Groups:[[:space:]]*(1000)?[[:space:]]*$ ]]
}

@test "umask" {
	update_config '.process.user.umask = 63'
	set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0077 ]
	[ "${lines[1]}" = 600 ]
}

@test "no process.user.umask: the caller's umask is kept" {
	# runtime-spec: "If unspecified, the umask should not be changed from
	# the calling process' umask"; runc resets it to 0022.
	requires_brig
	set_args sh -c umask
	umask 0027
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = 0027 ]
}

@test "exit status passes through" {
	set_args sh -c 'exit 42'
	brig_run "$CT"
	[ "$status" -eq 42 ]
}

@test "the process is pid 1 of its pid namespace" {
	set_args sh -c 'echo $$'
	brig_run "$CT"
	[ "$output" = 1 ]
}

@test "noNewPrivileges sets NoNewPrivs" {
	set_args grep NoNewPrivs /proc/self/status
	brig_run "$CT"
	[[ "$output" =~ NoNewPrivs:[[:space:]]*1 ]]
	update_config '.process.noNewPrivileges = false'
	brig_run "$CT"
	[[ "$output" =~ NoNewPrivs:[[:space:]]*0 ]]
}

@test "oomScoreAdj" {
	update_config '.process.oomScoreAdj = 500'
	set_args cat /proc/self/oom_score_adj
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = 500 ]
}

@test "a missing binary fails the run with an error" {
	set_args /no/such/binary
	brig_run "$CT"
	[ "$status" -ne 0 ]
	state_dir_empty
}
