#!/usr/bin/env bats
# failure.bats - a create that fails at any step leaves no process, no
# mount on the host and no state directory.

load helpers

# create_fails: create must fail and leave nothing; under brig the error is
# one "brig: ..." line.  $1 (optional): a substring brig's error must hold.
create_fails() {
	run create_ct "$CT"
	echo "create: status $status, stderr: $(ct_err "$CT")"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
	run rt state "$CT"
	[ "$status" -ne 0 ]
	if is_brig; then
		[ "$(grep -c . "$TEST_DIR/$CT.err")" -ge 1 ]
		grep -q '^brig: ' "$TEST_DIR/$CT.err"
		[ -z "${1:-}" ] || grep -qF -- "$1" "$TEST_DIR/$CT.err"
	fi
}

@test "bind mount source that does not exist" {
	update_config '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind"]}]' \
		--arg s "$TEST_DIR/no-such-dir"
	create_fails "$TEST_DIR/no-such-dir"
}

@test "a later mount fails after earlier ones succeeded" {
	mkdir "$TEST_DIR/ok"
	update_config '.mounts += [
		{destination: "/ok1", type: "bind", source: $ok, options: ["rbind"]},
		{destination: "/ok2", type: "tmpfs", source: "tmpfs"},
		{destination: "/bad", type: "bind", source: $bad, options: ["bind"]}]' \
		--arg ok "$TEST_DIR/ok" --arg bad "$TEST_DIR/missing"
	create_fails
}

@test "unknown filesystem type" {
	update_config '.mounts += [{destination: "/x", type: "nosuchfs", source: "none"}]'
	create_fails
}

@test "bad tmpfs option" {
	update_config '.mounts += [{destination: "/x", type: "tmpfs", source: "tmpfs", options: ["size=notanumber"]}]'
	create_fails
}

@test "rootfs that does not exist" {
	update_config '.root.path = "no-such-rootfs"'
	create_fails
}

@test "missing binary" {
	set_args /bin/no-such-binary
	create_fails no-such-binary
}

@test "binary that is not executable" {
	echo 'not a program' >"$BUNDLE/rootfs/bin/notexec"
	chmod 644 "$BUNDLE/rootfs/bin/notexec"
	set_args /bin/notexec
	create_fails
}

@test "createRuntime hook exits 1" {
	update_config '.hooks.createRuntime = [{path: "/bin/false"}]'
	create_fails
}

@test "a uid that cannot be set ((uid_t)-1 means \"unchanged\" to setresuid)" {
	update_config '.process.user.uid = 4294967295'
	create_fails
}

@test "a gid that cannot be set" {
	update_config '.process.user.gid = 4294967295'
	create_fails
}

@test "a user whose groups cannot be set (more than NGROUPS_MAX)" {
	update_config '.process.user.additionalGids = [range(70000)]'
	create_fails
}

@test "cwd that is a file" {
	update_config '.process.cwd = "/etc/passwd"'
	create_fails
}

@test "a failed create can be retried with the same id" {
	set_args /bin/no-such-binary
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	set_args sleep 10
	create_ct "$CT"
	[ "$(ct_status "$CT")" = created ]
}

@test "run of a failing config exits non-zero and leaves nothing" {
	update_config '.mounts += [{destination: "/data", type: "bind", source: "/no/such/source", options: ["bind"]}]'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
}
