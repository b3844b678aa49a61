#!/usr/bin/env bats
# lifecycle.bats - create, start, run and delete: the basic path.

load helpers

@test "run: /bin/true exits 0 and leaves nothing" {
	brig_run "$CT"
	[ "$status" -eq 0 ]
	state_dir_empty
	no_test_pids
}

@test "run: output of the container reaches the caller" {
	set_args echo hello from the container
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from the container" ]
}

@test "create then start then delete" {
	set_args sh -c 'echo started'
	create_ct "$CT"
	[ "$(ct_status "$CT")" = created ]
	pid=$(ct_pid "$CT")
	[ "$pid" -gt 0 ]
	[ -d "/proc/$pid" ]
	# Nothing runs before start.
	[ -z "$(ct_out "$CT")" ]
	start_and_wait "$CT"
	[ "$(ct_out "$CT")" = started ]
	rt delete "$CT"
	run rt state "$CT"
	[ "$status" -ne 0 ]
	state_dir_empty
}

@test "the rootfs is the container's root" {
	echo "marker-$CT" >"$BUNDLE/rootfs/marker"
	set_args cat /marker
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "marker-$CT" ]
}

@test "a relative root.path is taken from the bundle, not the cwd" {
	cd /
	set_args true
	brig_run "$CT"
	[ "$status" -eq 0 ]
}

@test "an absolute root.path works" {
	update_config '.root.path = $p' --arg p "$BUNDLE/rootfs"
	brig_run "$CT"
	[ "$status" -eq 0 ]
}

@test "the same id twice is refused" {
	set_args sleep 10
	create_ct "$CT"
	run rt create --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[ "$(ct_status "$CT")" = created ]
}

@test "start of a running container fails" {
	set_args sleep 10
	create_ct "$CT"
	rt start "$CT"
	wait_status "$CT" running
	run rt start "$CT"
	[ "$status" -ne 0 ]
}

@test "delete of a running container without --force fails" {
	set_args sleep 10
	create_ct "$CT"
	rt start "$CT"
	wait_status "$CT" running
	run rt delete "$CT"
	[ "$status" -ne 0 ]
	[ "$(ct_status "$CT")" = running ]
}

@test "delete of a created (never started) container kills its init" {
	set_args true
	create_ct "$CT"
	pid=$(ct_pid "$CT")
	rt delete "$CT"
	no_test_pids
	state_dir_empty
}

@test "several containers side by side" {
	set_args sleep 10
	create_ct "${CT}a"
	create_ct "${CT}b"
	run rt list -q
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	rt delete -f "${CT}a"
	rt delete -f "${CT}b"
	state_dir_empty
}

@test "--version and --help" {
	requires_brig
	run "$BRIG" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^brig\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ "${lines[1]}" = "spec: 1.2.0" ]
	run "$BRIG" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *create* ]]
}

@test "spec writes a config.json that runs, and refuses to overwrite" {
	mkdir "$TEST_DIR/specdir"
	run rt spec --bundle "$TEST_DIR/specdir"
	[ "$status" -eq 0 ]
	jq -e '.process.args' "$TEST_DIR/specdir/config.json"
	run rt spec --bundle "$TEST_DIR/specdir"
	[ "$status" -ne 0 ]
}

@test "features prints a JSON document" {
	requires_brig
	run rt features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMax'
	# What this runtime really does: netDevices (brig-net), no AppArmor.
	echo "$output" | jq -e '.linux.netDevices.enabled == true'
	echo "$output" | jq -e '.linux.apparmor.enabled == false'
}
