#!/usr/bin/env bats
# rootless-limits.bats - the whole path the adversary suite attacks, used
# as meant: an unprivileged user's `brig run` on this v1/hybrid host, with
# the setuid brig-cgroup of the test prefix and its test policy, gets a
# cgroup under the policy's root with the limits it allows; a user the
# policy does not name runs without a cgroup (warning); a limit above the
# policy is refused with nothing left.  Run by tests/adversary/run (ADV,
# ADV_HELPERS, ADV_USER, ADV_CGROOT set; helpers setuid).

setup_file() {
	export UID_ADV BRIG_ADV
	UID_ADV=$(id -u "$ADV_USER")
	BRIG_ADV=$(find "$ADV/root" -path '*/bin/brig' -type f | head -1)
}

setup() {
	[ -x "$BRIG_ADV" ] || skip "no brig in the test prefix"
	[ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy (the v2 path is rootless-cgroup.bats)"
	DIR=$(mktemp -d /tmp/brig-adv-root.XXXXXX)
	chmod 755 "$DIR"
	mkdir -p "$DIR/bundle/rootfs/bin" "$DIR/xdg"
	for d in proc sys dev tmp; do mkdir -p "$DIR/bundle/rootfs/$d"; done
	cp /bin/busybox "$DIR/bundle/rootfs/bin/"
	ln -s busybox "$DIR/bundle/rootfs/bin/sh"
	ln -s busybox "$DIR/bundle/rootfs/bin/sleep"
	ln -s busybox "$DIR/bundle/rootfs/bin/cat"
	# A rootless user's rootfs is the user's own.
	chown -R "$ADV_USER" "$DIR/xdg" "$DIR/bundle"
	chmod 700 "$DIR/xdg"
	write_policy "allow $ADV_USER cgroup.limit root=/$ADV_CGROOT memory=64M pids=100 max=2"
	CT=rl$$-$BATS_TEST_NUMBER
}

teardown() {
	brig delete -f "$CT" >/dev/null 2>&1 || true
	rm -rf "$DIR"
}

write_policy() {
	printf '%s\n' "$@" >"$ADV/etc/policy"
	chown 0:0 "$ADV/etc/policy"
	chmod 644 "$ADV/etc/policy"
}

# config ARGS_JSON RESOURCES_JSON: a rootless config mapping the user to root.
config() {
	jq -n --argjson args "$1" --argjson res "$2" --argjson u "$UID_ADV" '{
		ociVersion: "1.2.0",
		process: {terminal: false, user: {uid: 0, gid: 0}, args: $args, cwd: "/",
			  env: ["PATH=/bin"]},
		root: {path: "rootfs"},
		mounts: [{destination: "/proc", type: "proc", source: "proc"}],
		linux: {namespaces: [{type: "pid"}, {type: "mount"}, {type: "user"}],
			uidMappings: [{containerID: 0, hostID: $u, size: 1}],
			gidMappings: [{containerID: 0, hostID: $u, size: 1}],
			cgroupsPath: "/ignored/ctr", resources: $res}}' >"$DIR/bundle/config.json"
}

# brig ARGS...: the prefix's brig as the user (--helper-dir goes first).
brig() {
	runuser -u "$ADV_USER" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$DIR/xdg" \
		"$BRIG_ADV" --helper-dir "$ADV_HELPERS" "$@"
}

leaf() {
	echo "/sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/ctr"
}

@test "rootless limits: the policy's cgroup holds the container with the limit it asked" {
	config '["sleep", "100"]' '{"memory": {"limit": 33554432}}'
	brig create --bundle "$DIR/bundle" "$CT" </dev/null >/dev/null 2>"$DIR/err" ||
		{ cat "$DIR/err"; false; }
	[ "$(cat "$(leaf)/memory.limit_in_bytes")" = 33554432 ]
	pid=$(brig state "$CT" | jq .pid)
	grep -qx "$pid" "$(leaf)/cgroup.procs"
	# The user cannot raise its own limit: the files are root's.
	[ "$(stat -c %u "$(leaf)/memory.limit_in_bytes")" = 0 ]
	# exec works, and says its process is not in the cgroup.
	run brig exec "$CT" sh -c 'echo exec-ran'
	[ "$status" -eq 0 ]
	[[ "$output" == *exec-ran* ]]
	[[ "$output" == *"not in the container's cgroup"* ]]
	brig delete -f "$CT"
	[ ! -d "$(leaf)" ]
}

@test "rootless limits: with no limit asked, the policy's memory= applies" {
	config '["sleep", "100"]' '{}'
	brig create --bundle "$DIR/bundle" "$CT" </dev/null >/dev/null 2>"$DIR/err" ||
		{ cat "$DIR/err"; false; }
	[ "$(cat "$(leaf)/memory.limit_in_bytes")" = $((64 * 1024 * 1024)) ]
	brig delete -f "$CT"
	[ ! -d "$(leaf)" ]
}

@test "rootless limits: a limit above the policy is refused and nothing is left" {
	config '["true"]' '{"memory": {"limit": 134217728}}'
	run brig run --bundle "$DIR/bundle" "$CT" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"memory"*"policy"* ]]
	[ ! -d "$(leaf)" ]
	[ -z "$(ls -A "$DIR/xdg/brig" 2>/dev/null)" ]
}

@test "rootless limits: a user the policy does not name runs without a cgroup, warned" {
	write_policy "allow nobody cgroup.limit root=/$ADV_CGROOT memory=64M"
	config '["cat", "/proc/self/cgroup"]' '{"memory": {"limit": 33554432}}'
	run brig run --bundle "$DIR/bundle" "$CT" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"rootless: no cgroup"*"linux.resources ignored"* ]]
	[ ! -d "$(leaf)" ]
}

@test "rootless limits: a CI job sandboxed by an unprivileged user gets the policy's memory limit" {
	# The CI-runner case of issue 6 end to end: an untrusted job script, no
	# network, a readonly root, a tmpfs work dir, and the memory limit of
	# the policy (64M) with none asked.  A job that wants 100M is killed.
	ln -s busybox "$DIR/bundle/rootfs/bin/dd"
	ln -s busybox "$DIR/bundle/rootfs/bin/ls"
	ln -s busybox "$DIR/bundle/rootfs/bin/touch"
	mkdir -p "$DIR/bundle/rootfs/work"
	cat >"$DIR/bundle/rootfs/job.sh" <<-'JOB'
	cd /work && echo built >artifact && cat artifact
	touch /escape 2>/dev/null && echo "root writable"
	ls /sys/class/net 2>/dev/null | tr '\n' ' '; echo
	dd if=/dev/zero of=/dev/null bs=100M count=1
	echo "dd-status-$?"
	JOB
	config '["sh", "/job.sh"]' '{}'
	jq '.root.readonly = true
		| .linux.namespaces += [{type: "network"}, {type: "ipc"}, {type: "uts"}]
		| .mounts += [{destination: "/work", type: "tmpfs", source: "tmpfs",
			       options: ["nosuid", "nodev", "size=16m"]},
			      {destination: "/sys", type: "sysfs", source: "sysfs",
			       options: ["ro", "nosuid", "nodev", "noexec"]}]' \
		"$DIR/bundle/config.json" >"$DIR/c.json"
	cp "$DIR/c.json" "$DIR/bundle/config.json"
	run brig run --bundle "$DIR/bundle" "$CT" </dev/null
	echo "$output"
	[[ "$output" == *built* ]]
	[[ "$output" != *"root writable"* ]]
	[[ "$output" == *"lo "* ]]
	# dd was killed by the OOM killer of its 64M cgroup: 128 + SIGKILL.
	[[ "$output" == *dd-status-137* ]]
	[ "$status" -eq 0 ]
	[ ! -d "$(leaf)" ]
}
