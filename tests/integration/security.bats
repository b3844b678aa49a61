#!/usr/bin/env bats
# security.bats - the container cannot reach the host through symlinks in
# its rootfs, leaked fds or the runtime's own binary.

load helpers

# A host directory with a file, the target of the symlinks below.
host_target() {
	mkdir -p "$TEST_DIR/host/dir"
	echo host-secret >"$TEST_DIR/host/dir/file"
	echo host-file >"$TEST_DIR/host/file"
}

host_unchanged() {
	[ "$(cat "$TEST_DIR/host/dir/file")" = host-secret ]
	[ "$(cat "$TEST_DIR/host/file")" = host-file ]
	[ "$(ls -A "$TEST_DIR/host/dir")" = file ]
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
}

@test "symlink mount destination (absolute) stays inside the rootfs" {
	host_target
	ln -s "$TEST_DIR/host/dir" "$BUNDLE/rootfs/evil"
	update_config '.mounts += [{destination: "/evil", type: "tmpfs", source: "tmpfs"}]'
	set_args sh -c 'echo from-ct >/evil/planted; sleep 10'
	create_ct "$CT" || true
	# While the container exists, nothing is mounted over the host directory.
	host_unchanged
	if [ "$(ct_status "$CT")" = created ]; then
		rt start "$CT"
		sleep 0.3
		host_unchanged
	fi
}

@test "symlink mount destination (relative, ../..) stays inside the rootfs" {
	host_target
	ln -s "../../../../../../../../../../../..$TEST_DIR/host/dir" "$BUNDLE/rootfs/evil"
	mkdir "$TEST_DIR/src"
	echo from-src >"$TEST_DIR/src/f"
	update_config '.mounts += [{destination: "/evil", type: "bind", source: $s, options: ["bind"]}]' \
		--arg s "$TEST_DIR/src"
	set_args sh -c 'echo from-ct >/evil/planted; sleep 10'
	create_ct "$CT" || true
	host_unchanged
	if [ "$(ct_status "$CT")" = created ]; then
		rt start "$CT"
		sleep 0.3
		host_unchanged
	fi
}

@test "symlink in a mount destination's parent stays inside the rootfs" {
	host_target
	ln -s "$TEST_DIR/host" "$BUNDLE/rootfs/evilparent"
	update_config '.mounts += [{destination: "/evilparent/dir", type: "tmpfs", source: "tmpfs"}]'
	set_args sleep 10
	create_ct "$CT" || true
	host_unchanged
}

@test "symlink masked path does not mask the host file" {
	host_target
	ln -s "$TEST_DIR/host/file" "$BUNDLE/rootfs/etc/maskme"
	ln -s "$TEST_DIR/host/dir" "$BUNDLE/rootfs/etc/maskdir"
	update_config '.linux.maskedPaths += ["/etc/maskme", "/etc/maskdir"]'
	set_args sleep 10
	create_ct "$CT" || true
	host_unchanged
}

@test "symlink readonly path does not make the host directory read-only" {
	host_target
	ln -s "$TEST_DIR/host/dir" "$BUNDLE/rootfs/etc/rodir"
	update_config '.linux.readonlyPaths += ["/etc/rodir"]'
	set_args sleep 10
	create_ct "$CT" || true
	host_unchanged
	touch "$TEST_DIR/host/dir/file"
}

@test "only fds 0, 1, 2 reach the process" {
	set_args ls /proc/self/fd
	# Stray fds in the runtime must not reach the container.
	run rt run --bundle "$BUNDLE" "$CT" </dev/null 5<"$BUNDLE/config.json" 7<"$BUNDLE/config.json"
	[ "$status" -eq 0 ]
	# ls's own directory fd is 3.
	[ "$(echo $output)" = "0 1 2 3" ]
}

@test "--preserve-fds N passes fds 3 .. 3+N-1" {
	echo one >"$TEST_DIR/one"
	echo two >"$TEST_DIR/two"
	set_args sh -c 'ls /proc/self/fd | tr "\n" " "; echo; cat <&3; cat <&4'
	run rt run --bundle "$BUNDLE" --preserve-fds 2 "$CT" </dev/null 3<"$TEST_DIR/one" 4<"$TEST_DIR/two" 6<"$TEST_DIR/one"
	[ "$status" -eq 0 ]
	# sh's fds 0-4, and ls's directory fd 5.
	[ "${lines[0]}" = "0 1 2 3 4 5 " ]
	[ "${lines[1]}" = one ]
	[ "${lines[2]}" = two ]
}

@test "LISTEN_FDS: socket-activation fds are passed with the variables" {
	echo listened >"$TEST_DIR/one"
	set_args sh -c 'ls /proc/self/fd | tr "\n" " "; echo; echo "$LISTEN_FDS"; cat <&3'
	# LISTEN_PID must be the runtime's own pid, as systemd sets it.
	run env LISTEN_FDS=1 sh -c 'LISTEN_PID=$$ exec "$@"' sh \
		"$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CT" </dev/null 3<"$TEST_DIR/one" 5<"$TEST_DIR/one"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 4 " ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = listened ]
}

# exe_id: dev:ino of the runtime's binary.
exe_id() {
	stat -L -c %d:%i "$(command -v "$1")"
}

# The probe: does any /proc/*/exe or /proc/*/fd/* the container can see
# resolve to the inode $RT_ID?  Prints "found PATH" or "clean N".
PROBE='n=0; for f in /proc/[0-9]*/exe /proc/[0-9]*/fd/*; do
	id=$(stat -L -c %d:%i "$f" 2>/dev/null) || continue
	n=$((n + 1))
	[ "$id" = "$RT_ID" ] && echo "found $f"
done; echo "clean $n"'

@test "the runtime binary is not reachable from inside the container" {
	update_config '.process.env += ["RT_ID=" + $id]' --arg id "$(exe_id "$RUNTIME")"
	set_args sh -c "$PROBE"
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" != *found* ]]
	[[ "$output" == *clean* ]]
}

@test "the runtime binary is not reachable through a created container's init" {
	requires_root "joining another container's namespace needs its user namespace too"
	# runc 1.1.5's waiting init is the host runc binary (/proc/1/exe); it
	# relies on ETXTBSY.  brig's design: no host /proc entry or fd of it.
	requires_brig
	# A waits in "created": its init is the runtime's process.  B shares
	# A's pid namespace with CAP_SYS_PTRACE and looks at every process.
	set_args sleep 10
	create_ct "${CT}a"
	pid=$(ct_pid "${CT}a")
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)
		| .process.capabilities.bounding += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]
		| .process.capabilities.effective += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]
		| .process.capabilities.permitted += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]
		| .process.env += ["RT_ID=" + $id]' \
		--arg p "/proc/$pid/ns/pid" --arg id "$(exe_id "$RUNTIME")"
	set_args sh -c "$PROBE"
	brig_run "${CT}b"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *found* ]]
}

@test "the container cannot write to the runtime binary" {
	# A copy of the runtime: if the test finds a hole, the copy is harmed,
	# not the build tree.
	cp "$(command -v "$RUNTIME")" "$TEST_DIR/rt-copy"
	before=$(sha256sum <"$TEST_DIR/rt-copy")
	set_args sleep 10
	"$TEST_DIR/rt-copy" --root "$ROOT" create --bundle "$BUNDLE" "${CT}a" </dev/null >/dev/null 2>&1
	pid=$(ct_pid "${CT}a")
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)
		| .process.capabilities.bounding += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]
		| .process.capabilities.effective += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]
		| .process.capabilities.permitted += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]' \
		--arg p "/proc/$pid/ns/pid"
	set_args sh -c 'for f in /proc/[0-9]*/exe; do (echo overwritten >>"$f") 2>/dev/null && echo "wrote $f"; done; true'
	run "$TEST_DIR/rt-copy" --root "$ROOT" run --bundle "$BUNDLE" "${CT}b" </dev/null
	echo "$output"
	[ "$(sha256sum <"$TEST_DIR/rt-copy")" = "$before" ]
}

@test "process.cwd through /proc/self/fd/N does not escape the rootfs" {
	for n in 3 4 5 6 7 8 9; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		# The root reached by going up from the cwd must be the container's.
		set_args sh -c 'stat -c %d:%i /; stat -c %d:%i ../../../../../../../../..'
		brig_run "$CT-$n"
		if [ "$status" -eq 0 ]; then
			echo "cwd /proc/self/fd/$n: $output"
			[ "${lines[0]}" = "${lines[1]}" ]
		fi
	done
}

@test "a hook cannot be planted through the rootfs: hook paths are host paths" {
	# A startContainer hook path is looked up in the container; the others
	# on the host. A createRuntime hook naming a file that exists only in the
	# rootfs must not run it.
	printf '#!/bin/sh\ntouch %s/planted-ran\n' "$TEST_DIR" >"$BUNDLE/rootfs/planted"
	chmod 755 "$BUNDLE/rootfs/planted"
	update_config '.hooks.createRuntime = [{path: "/planted"}]'
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	[ ! -e "$TEST_DIR/planted-ran" ]
}

# A script whose interpreter is "/proc/self/exe" runs whatever binary the
# process exec'ing it is (the runc CVE-2019-5736 entry point).  brig execs
# the container's process from brig-wait (a sealed memfd), so the
# interpreter is that: called as an interpreter it refuses (usage, 127).
# Were it the host's brig, brig would run inside the container.
selfexe_script() {
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/selfexe"
	chmod 755 "$BUNDLE/rootfs/selfexe"
}

@test "run: a '#!/proc/self/exe' process does not run the host's runtime" {
	requires_brig
	selfexe_script
	set_args /selfexe
	brig_run "$CT"
	[ "$status" -eq 127 ]
	[[ "$output" == *"brig-wait: usage"* ]]
	[[ "$output" != *"unknown command"* ]]
}

@test "exec: a '#!/proc/self/exe' process does not run the host's runtime" {
	requires_brig
	selfexe_script
	set_args sleep 100
	create_ct "$CT"
	rt start "$CT"
	run rt exec "$CT" /selfexe
	[ "$status" -eq 127 ]
	[[ "$output" == *"brig-wait: usage"* ]]
	[[ "$output" != *"unknown command"* ]]
}
