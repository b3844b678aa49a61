#!/usr/bin/env bats
# rootless-cgroup.bats - cgroups of a rootless brig (issue 4): a cgroup v2
# subtree delegated to the user gets the container's cgroup and its
# limits; where nothing is delegated, the limits are skipped with a
# warning and the container still runs.
#
# Root sets each case up and then runs brig as an unprivileged uid
# (setpriv), with a user namespace mapping that uid to root.  The
# delegated subtree is made as cgroups(7) "Delegation" says: a directory
# the user owns, with its cgroup.procs, cgroup.threads and
# cgroup.subtree_control, holding both the shell that starts brig and the
# container (the kernel checks the common ancestor's cgroup.procs when a
# process moves).  These tests run on the host and in the v2 guest.

load helpers
load rootless-helpers

setup() {
	rl_setup
	CG_PARENT=/brig-test-$BATS_ROOT_PID-$BATS_SUITE_TEST_NUMBER
	CG=/sys/fs/cgroup$CG_PARENT
}

teardown() {
	local d p
	if [ -n "${RL_DIR:-}" ]; then
		as_user "$BRIG" delete -f "$CT" >/dev/null 2>&1 || true
	fi
	if [ -n "${CG:-}" ] && [ -d "$CG" ]; then
		# Only the test's own subtree, deepest first.
		find "$CG" -depth -type d | while read -r d; do
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
				kill -9 "$p" 2>/dev/null || true
			done
			rmdir "$d" 2>/dev/null || true
		done
	fi
	rl_teardown
}

pure_v2() {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

# delegate: $CG/user owned by the user, with the memory and pids
# controllers available to its children, and $CG/user/shell for the
# process that runs brig.
delegate() {
	mkdir -p "$CG/user"
	echo "+memory +pids" >"$CG/cgroup.subtree_control"
	chown "$RL_UID:$RL_UID" "$CG/user" "$CG/user/cgroup.procs" \
		"$CG/user/cgroup.threads" "$CG/user/cgroup.subtree_control"
	mkdir "$CG/user/shell"
	chown "$RL_UID:$RL_UID" "$CG/user/shell" "$CG/user/shell/cgroup.procs"
}

# create_in_shell_cgroup: create $CT as the user, from a process that
# root first moved into user/shell (as a login manager would).
create_in_shell_cgroup() {
	bash -c 'echo $$ >"$1/user/shell/cgroup.procs" || exit 1
		setpriv --reuid="$2" --regid="$2" --clear-groups -- \
			env -i PATH="$PATH" XDG_RUNTIME_DIR="$3/xdg" BRIG_HELPER_DIR="$4" \
			"$5" create --bundle "$6" "$7" </dev/null >/dev/null 2>"$3/err"' \
		bash "$CG" "$RL_UID" "$RL_DIR" "$BRIG_HELPER_DIR" "$BRIG" "$BUNDLE" "$CT"
}

@test "rootless: a delegated cgroup v2 subtree holds the container and its limits" {
	pure_v2 || skip "cgroup delegation to a user needs a pure cgroup v2 host (the v2 suite runs this)"
	delegate
	update_config '.linux.cgroupsPath = $p
		| .linux.resources = {memory: {limit: 33554432}, pids: {limit: 20}}' \
		--arg p "$CG_PARENT/user/ctr"
	set_args sleep 100
	create_in_shell_cgroup || { cat "$RL_DIR/err"; false; }
	[ "$(cat "$CG/user/ctr/memory.max")" = 33554432 ]
	[ "$(cat "$CG/user/ctr/pids.max")" = 20 ]
	pid=$(as_user "$BRIG" state "$CT" | jq .pid)
	grep -qx "$pid" "$CG/user/ctr/cgroup.procs"
	# Made by the user, so owned by the user: nothing was done as root.
	[ "$(stat -c %u "$CG/user/ctr")" = "$RL_UID" ]
	as_user "$BRIG" delete -f "$CT"
	[ ! -d "$CG/user/ctr" ]
}

@test "rootless: a cgroupsPath the user may not write runs without a cgroup, with a warning" {
	pure_v2 || skip "rootless cgroups are only tried on a pure cgroup v2 host"
	mkdir -p "$CG"
	update_config '.linux.cgroupsPath = $p | .linux.resources = {pids: {limit: 20}}' \
		--arg p "$CG_PARENT/ctr"
	run as_user "$BRIG" run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"rootless: no cgroup"*"linux.resources ignored"* ]]
	[ ! -d "$CG/ctr" ]
}

@test "rootless: limits without a delegated cgroup are skipped with a warning" {
	update_config '.linux.resources = {memory: {limit: 33554432}} | del(.linux.cgroupsPath)'
	set_args echo ran
	run as_user "$BRIG" run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"rootless: linux.resources ignored"* ]]
	[[ "$output" == *ran* ]]
}
