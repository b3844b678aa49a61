#!/usr/bin/env bats
# build.bats - properties of the build and the source tree that the
# design promises: an installed brig finds its helpers with no
# environment, and the front never mounts.

load helpers

@test "design: no mount call anywhere in front/ (brig-mount does them all)" {
	requires_brig
	run grep -rn 'mount(' "$REPO/front/"
	[ "$status" -eq 1 ]
	run grep -rnE '\b(umount2?|fsmount|move_mount|open_tree|mount_setattr|fsopen)[[:space:]]*\(' "$REPO/front/"
	[ "$status" -eq 1 ]
}

@test "meson install: brig in bindir, helpers in libexecdir/brig, found with no environment" {
	requires_brig
	command -v meson >/dev/null || skip "meson not installed"
	local prefix="$BATS_TEST_TMPDIR/prefix" bdir="$BATS_TEST_TMPDIR/build"
	meson setup -Dprefix="$prefix" -Dman=disabled "$bdir" "$REPO" >/dev/null
	meson install -C "$bdir" >/dev/null
	[ -x "$prefix/bin/brig" ]
	[ -x "$prefix/libexec/brig/brig-mount" ]
	set_args echo installed
	run env -i "$prefix/bin/brig" --root "$ROOT" run --bundle "$BUNDLE" "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = installed ]
}

@test "the build has no compiler warnings" {
	requires_brig
	local bdir="$BATS_TEST_TMPDIR/wbuild"
	meson setup -Dman=disabled "$bdir" "$REPO" >/dev/null
	run ninja -C "$bdir"
	[ "$status" -eq 0 ]
	# Not "! grep": bats does not fail a test on a negated command.
	[[ "$output" != *warning:* ]]
}

@test "scripts/make-bundle (the README demo's bundle) keeps args whole and runs" {
	requires_root "scripts/make-bundle writes a config for root (no user namespace)"
	requires_brig
	local b="$BATS_TEST_TMPDIR/demo-bundle"
	BRIG="$BRIG" bash "$REPO/scripts/make-bundle" "$b" sh -c 'echo hello from a brig container; id -u' >/dev/null
	[ "$(jq -c .process.args "$b/config.json")" = '["sh","-c","echo hello from a brig container; id -u"]' ]
	jq --arg p "$AUTO_CG_PARENT/auto-$CT" '.linux.cgroupsPath = $p' "$b/config.json" >"$b/c.json"
	mv "$b/c.json" "$b/config.json"
	run rt run --bundle "$b" "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from a brig container" ]
	[ "${lines[1]}" = 0 ]
}
