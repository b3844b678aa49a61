#!/usr/bin/env bats
# podman-rootless.bats - rootless podman drives brig: run --rm, run -d,
# logs, stop, rm, exec, as the unprivileged test user with its own
# /etc/subuid range (run by tests/rootless/run, suite podman-rootless).
#
# podman runs brig inside its own user namespace, as uid 0 with a partial
# uid_map (0 = the user, 1..65536 = its subuid range).  Storage: vfs;
# network: none (containers.conf netns="none", and --network none below);
# cgroup_manager cgroupfs, events_logger file (setup-podman-rootless).
# The same tests pass with BRIG_PODMAN_RUNTIME=/usr/sbin/runc (the
# control: a failure with brig and not with runc is brig's).

setup_file() {
	[ "$(id -u)" -ne 0 ] || return 0
	command -v podman >/dev/null || return 0
	: "${XDG_RUNTIME_DIR:?}"
	local top brig
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	brig=${BRIG:-$top/build/front/brig}
	PM_DIR=$BATS_FILE_TMPDIR/podman
	mkdir -p "$PM_DIR/bin"
	# conmon and podman do not carry BRIG_HELPER_DIR through: a wrapper
	# named brig points the build tree's brig at its helpers.
	cat >"$PM_DIR/bin/brig" <<-WRAP
		#!/bin/sh
		BRIG_HELPER_DIR=${BRIG_HELPER_DIR:-$top/build/helpers} exec $brig "\$@"
	WRAP
	chmod +x "$PM_DIR/bin/brig"
	export PM_RUNTIME=${BRIG_PODMAN_RUNTIME:-$PM_DIR/bin/brig}
	export PM_BRIG=$brig
	local line
	while read -r line; do
		export "${line?}"
	done < <("$top/tests/clients/setup-podman-rootless" "$PM_DIR")
	export PM_DIR
}

teardown_file() {
	[ -n "${PM_DIR:-}" ] || return 0
	timeout -k 5 60 podman rm -af -t 0 >/dev/null 2>&1 || true
	timeout -k 5 60 podman system reset -f >/dev/null 2>&1 || true
	rm -rf "$XDG_RUNTIME_DIR/brig-podman-$(basename "$PM_DIR")"
}

setup() {
	[ "$(id -u)" -ne 0 ] || skip "rootless podman tests run as the test user (tests/rootless/run)"
	command -v podman >/dev/null || skip "no podman (scripts/install-deps)"
	NAME=pr$$-$BATS_TEST_NUMBER
}

teardown() {
	[ -n "${PM_DIR:-}" ] || return 0
	timeout -k 5 60 podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
}

# pm ARGS...: podman with the runtime under test, time-limited.
pm() {
	timeout -k 5 90 podman --runtime "$PM_RUNTIME" "$@"
}

is_brig_runtime() {
	[ "$PM_RUNTIME" = "$PM_DIR/bin/brig" ]
}

@test "podman rootless: run --rm echo hi" {
	run pm run --rm --network none localhost/busybox echo hi
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
}

@test "podman rootless: the exit status of the process" {
	run pm run --rm --network none localhost/busybox sh -c 'exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
}

@test "podman rootless: root in the container is the user; uid 1000 is in its range" {
	run pm run --rm --network none localhost/busybox cat /proc/self/uid_map
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[[:space:]]*0[[:space:]]+$(id -u)[[:space:]]+1 ]]
	run pm run --rm --network none --user 1000:1000 localhost/busybox sh -c 'echo $(id -u):$(id -g)'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 1000:1000 ]
}

@test "podman rootless: no network but lo with --network none" {
	run pm run --rm --network none localhost/busybox sh -c "ip -o link | awk -F': ' '{ print \$2 }'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "podman rootless: run -d, logs, stop, rm" {
	run pm run -d --name "$NAME" --network none localhost/busybox \
		sh -c 'echo started; trap "echo stopping; exit 0" TERM; while :; do sleep 0.1; done'
	echo "$output"
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		[ "$(pm logs "$NAME" 2>/dev/null)" = started ] && break
		sleep 0.1
	done
	run pm logs "$NAME"
	echo "$output"
	[ "$output" = started ]
	run pm inspect -f '{{.State.Status}}' "$NAME"
	[ "$output" = running ]
	run pm stop -t 10 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	echo "$output"
	[ "$output" = "exited 0" ]
	run pm logs "$NAME"
	[[ "$output" == *stopping* ]]
	run pm rm "$NAME"
	[ "$status" -eq 0 ]
	run pm container exists "$NAME"
	[ "$status" -eq 1 ]
}

@test "podman rootless: rm -f of a running container" {
	run pm run -d --name "$NAME" --network none localhost/busybox sleep 1000
	[ "$status" -eq 0 ]
	run pm rm -f -t 0 "$NAME"
	echo "$output"
	[ "$status" -eq 0 ]
	run pm container exists "$NAME"
	[ "$status" -eq 1 ]
}

@test "podman rootless: exec" {
	if is_brig_runtime && ! "$PM_BRIG" exec --help >/dev/null 2>&1; then
		skip "brig exec: issue 8"
	fi
	run pm run -d --name "$NAME" --network none localhost/busybox sleep 1000
	[ "$status" -eq 0 ]
	run pm exec "$NAME" sh -c 'echo in $(hostname)'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "in "* ]]
	run pm rm -f -t 0 "$NAME"
	[ "$status" -eq 0 ]
}

@test "podman rootless: --annotation run.oci.handler=vm runs the container in a VM" {
	is_brig_runtime || skip "the VM handler is brig's"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	kernel=/vmlinuz
	[ -e "$kernel" ] || kernel=$(ls -v /boot/vmlinuz-*-amd64 2>/dev/null | tail -n 1)
	[ -r "$kernel" ] || skip "no readable guest kernel (linux-image-amd64)"
	run pm run --rm --network none --annotation run.oci.handler=vm \
		--annotation run.brig.vm.kernel="$kernel" localhost/busybox \
		sh -c 'cat /proc/1/comm; echo made > /tmp/f && cat /tmp/f; exit 5'
	echo "$output"
	[ "$status" -eq 5 ]
	[ "$output" = "init
made" ]
}
