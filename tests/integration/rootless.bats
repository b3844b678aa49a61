#!/usr/bin/env bats
# rootless.bats - brig run by an unprivileged uid (issue 6): the user
# namespace and its maps, where state lives, what brig-mount does instead
# of what needs host privilege, and brig inside another user namespace
# (as rootless podman runs it).  Root prepares each case; brig runs as
# $RL_UID through setpriv (rootless-helpers.bash).

load helpers
load rootless-helpers

setup() {
	rl_setup
}

teardown() {
	rl_teardown
}

@test "rootless: brig spec --rootless writes a config that runs as the user" {
	mkdir "$RL_DIR/spec"
	mv "$BUNDLE/rootfs" "$RL_DIR/spec/rootfs"
	chown "$RL_UID" "$RL_DIR/spec"
	run as_user sh -c "cd '$RL_DIR/spec' && '$BRIG' spec --rootless"
	[ "$status" -eq 0 ]
	jq '.process.terminal = false | .process.args = ["id", "-u"]' "$RL_DIR/spec/config.json" \
		>"$RL_DIR/c.json"
	cp "$RL_DIR/c.json" "$RL_DIR/spec/config.json"
	[ "$(jq '.linux.uidMappings[0].hostID' "$RL_DIR/spec/config.json")" = "$RL_UID" ]
	run as_user "$BRIG" run --bundle "$RL_DIR/spec" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "rootless: state lives in \$XDG_RUNTIME_DIR/brig and the user can manage and exec into it" {
	set_args sleep 100
	as_user "$BRIG" create --bundle "$BUNDLE" "$CT" </dev/null >/dev/null 2>&1
	[ -f "$RL_DIR/xdg/brig/$CT/state.json" ]
	[ "$(stat -c %u "$RL_DIR/xdg/brig/$CT/state.json")" = "$RL_UID" ]
	[ "$(as_user "$BRIG" state "$CT" | jq -r .status)" = created ]
	pid=$(as_user "$BRIG" state "$CT" | jq .pid)
	# The init runs as the user on the host, root in its namespace.
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$RL_UID" ]
	as_user "$BRIG" start "$CT"
	# exec as the user: into the container's user namespace and the rest.
	run as_user "$BRIG" exec "$CT" sh -c 'id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" == *"0"*"$RL_UID"*"1" ]]
	as_user "$BRIG" kill "$CT" KILL
	wait_gone() { ! kill -0 "$pid" 2>/dev/null; }
	for _ in $(seq 50); do wait_gone && break; sleep 0.1; done
	as_user "$BRIG" delete "$CT"
	[ ! -e "$RL_DIR/xdg/brig/$CT" ]
}

@test "rootless: without XDG_RUNTIME_DIR or --root, brig says what to do" {
	run setpriv --reuid="$RL_UID" --regid="$RL_UID" --clear-groups -- \
		env -i PATH="$PATH" "$BRIG" list
	[ "$status" -ne 0 ]
	[[ "$output" == *"XDG_RUNTIME_DIR is not set"*"--root"* ]]
}

@test "rootless: a config without a user namespace is refused, naming the field" {
	update_config '.linux.namespaces |= map(select(.type != "user"))
		| del(.linux.uidMappings) | del(.linux.gidMappings)'
	run as_user "$BRIG" run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.namespaces"*"user namespace is required"* ]]
	[ -z "$(ls -A "$RL_DIR/xdg/brig" 2>/dev/null)" ]
}

@test "rootless: a map beyond the user's own id goes through newuidmap and is refused outside /etc/subuid" {
	command -v newuidmap >/dev/null || skip "newuidmap not installed (uidmap package)"
	update_config '.linux.uidMappings += [{containerID: 1, hostID: 300000, size: 10}]'
	set_args true
	run as_user "$BRIG" run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.uidMappings: newuidmap failed"*"/etc/subuid"* ]]
	# Nothing left: no state, no process of the uid.
	[ -z "$(ls -A "$RL_DIR/xdg/brig" 2>/dev/null)" ]
	! pgrep -u "$RL_UID" >/dev/null
}

@test "rootless: device nodes are the host's, bound; /sys is the host's without a network namespace" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c &&
		ls /sys/class/net | grep -qx lo && echo sys-ok'
	run as_user "$BRIG" run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *4*sys-ok* ]]
}

@test "rootless: a mount that needs host privilege fails saying why, and leaves nothing" {
	update_config '.mounts += [{destination: "/mnt", type: "ext4", source: "/dev/null"}]'
	run as_user "$BRIG" run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /mnt (ext4)"*"rootless: mounting ext4 needs host privilege"* ]]
	[ -z "$(ls -A "$RL_DIR/xdg/brig" 2>/dev/null)" ]
	! pgrep -u "$RL_UID" >/dev/null
}

@test "rootless: brig as uid 0 of another user namespace (as rootless podman runs it)" {
	# A root config (no user namespace of its own), run from inside
	# `unshare --user --map-root-user`: root there, nothing outside.
	update_config '.linux.namespaces |= map(select(.type != "user"))
		| del(.linux.uidMappings) | del(.linux.gidMappings)'
	set_args sh -c 'id -u && echo x >/dev/null && ls /dev/pts >/dev/null && echo nested-ok'
	run as_user unshare --user --map-root-user "$BRIG" --root "$RL_DIR/xdg/nested" \
		run --bundle "$BUNDLE" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *0*nested-ok* ]]
	[ -z "$(ls -A "$RL_DIR/xdg/nested" 2>/dev/null)" ]
}

@test "rootless: --rootless takes true, false or auto" {
	run as_user "$BRIG" --rootless maybe list
	[ "$status" -ne 0 ]
	[[ "$output" == *'--rootless: "maybe" is not true, false or auto'* ]]
}
