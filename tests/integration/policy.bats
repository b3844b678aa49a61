#!/usr/bin/env bats
# policy.bats - `brig policy check` on a policy file of the test's own
# (root-owned, mode 0644, in a root-owned 0755 directory) with its own
# passwd and group files: decisions, the deciding line, limits, exit
# statuses, and the files refused (group-writable, symlinked, in a
# writable directory, owned by another user).  brig's own command: no
# runtime comparison.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BRIG=${BRIG:-$REPO/build/front/brig}

setup() {
	[ "${RUNTIME:-$BRIG}" = "$BRIG" ] || skip "brig's own command (RUNTIME=$RUNTIME)"
	D=$BATS_TEST_TMPDIR/etc
	mkdir -p "$D"
	chmod 0755 "$D"
	cat >"$D/passwd" <<-'END'
	root:x:0:0:root:/root:/bin/sh
	alice:x:1000:1000::/home/alice:/bin/sh
	bob:x:1001:1001::/home/bob:/bin/sh
	carol:x:1002:100::/home/carol:/bin/sh
	END
	cat >"$D/group" <<-'END'
	root:x:0:
	users:x:100:
	brig:x:2000:bob,carol
	END
	cat >"$D/policy" <<-'END'
	# user or @group   action        limits
	deny  carol        net.veth
	allow @brig        net.veth      bridge=brig0 max=10
	allow alice        cgroup.limit  root=/sys/fs/cgroup/brig-users memory=256M pids=100

	allow 1500         *             # a uid with no account
	allow @users       cgroup.limit  root=/brig-users cpus=1.5
	END
	chmod 0644 "$D/policy"
}

# --root: a rootless brig wants a state directory even for commands that
# keep no state.
brig() {
	"$BRIG" --root "$BATS_TEST_TMPDIR/state" "$@"
}

pc() { # pc ARGS...: brig policy check with the test's files
	brig policy check --file "$D/policy" --passwd "$D/passwd" --group "$D/group" "$@"
}

requires_root() {
	[ "$(id -u)" -eq 0 ] || skip "the policy file must be root-owned (run as root)"
}

@test "policy check: a user allowed by name, with the deciding line" {
	requires_root
	run pc alice cgroup.limit
	[ "$status" -eq 0 ]
	[ "$output" = "allow (line 4: allow alice cgroup.limit root=/sys/fs/cgroup/brig-users memory=256M pids=100)" ]
}

@test "policy check: @group through a supplementary group; first match wins" {
	requires_root
	run pc bob net.veth
	[ "$status" -eq 0 ]
	[ "$output" = "allow (line 3: allow @brig net.veth bridge=brig0 max=10)" ]
	# carol is in brig too, but line 2 comes first
	run pc carol net.veth
	[ "$status" -eq 1 ]
	[ "$output" = "deny (line 2: deny carol net.veth)" ]
	# carol's primary group is users
	run pc carol cgroup.limit
	[ "$status" -eq 0 ]
	[ "$output" = "allow (line 7: allow @users cgroup.limit root=/brig-users cpus=1.5)" ]
}

@test "policy check: default deny, root, numeric uids" {
	requires_root
	run pc alice net.veth
	[ "$status" -eq 1 ]
	[ "$output" = "deny (no line matches: default deny)" ]
	run pc root net.veth
	[ "$status" -eq 0 ]
	[ "$output" = "allow (root)" ]
	run pc 0 cgroup.limit
	[ "$output" = "allow (root)" ]
	run pc 1500 net.veth
	[ "$status" -eq 0 ]
	[ "$output" = "allow (line 6: allow 1500 *)" ]
	run pc 1000 cgroup.limit
	[ "$status" -eq 0 ]
	[[ "$output" == "allow (line 4: "* ]]
	run pc 4242 cgroup.limit
	[ "$status" -eq 1 ]
}

@test "policy check: limits asked are compared with the rule's" {
	requires_root
	run pc alice cgroup.limit memory=128M pids=100 root=/sys/fs/cgroup/brig-users
	[ "$status" -eq 0 ]
	[[ "$output" == allow* ]]
	run pc alice cgroup.limit memory=512M
	[ "$status" -eq 1 ]
	[ "$output" = "deny (line 4: memory=512M exceeds the limit memory=256M)" ]
	run pc alice cgroup.limit root=/sys/fs/cgroup/other
	[ "$status" -eq 1 ]
	[ "$output" = "deny (line 4: root=/sys/fs/cgroup/other is not the allowed root=/sys/fs/cgroup/brig-users)" ]
	run pc bob net.veth bridge=br1
	[ "$status" -eq 1 ]
	[ "$output" = "deny (line 3: bridge=br1 is not the allowed bridge=brig0)" ]
	run pc carol cgroup.limit cpus=2
	[ "$status" -eq 1 ]
	[ "$output" = "deny (line 7: cpus=2 exceeds the limit cpus=1.5)" ]
	# no limit on the rule: not limited
	run pc carol cgroup.limit memory=64G
	[ "$status" -eq 0 ]
}

@test "policy check: bad arguments are errors (exit 2)" {
	requires_root
	run pc alice cgroup.limit memory=lots
	[ "$status" -eq 2 ]
	[[ "$output" == *"memory=lots: not a size"* ]]
	run pc alice cgroup.limit memroy=1G
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown limit "memroy" for cgroup.limit'* ]]
	run pc alice cgroup.limit memory
	[ "$status" -eq 2 ]
	run pc alice net.vet
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown action "net.vet"'* ]]
	run pc zed net.veth
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown user "zed"'* ]]
	run pc alice
	[ "$status" -eq 2 ]
	run brig policy frobnicate
	[ "$status" -eq 2 ]
}

@test "policy check: an error in the file names the file and line (exit 2)" {
	requires_root
	echo "allow bobby net.veth" >>"$D/policy"
	run pc alice cgroup.limit
	[ "$status" -eq 2 ]
	[ "$output" = "brig: $D/policy:8: unknown user \"bobby\"" ]
}

@test "policy check: a group-writable policy file is refused" {
	requires_root
	chmod 0664 "$D/policy"
	run pc alice cgroup.limit
	[ "$status" -eq 2 ]
	[ "$output" = "brig: $D/policy: writable by group or others (mode 0664): refused" ]
	chmod 0606 "$D/policy"
	run pc alice cgroup.limit
	[ "$status" -eq 2 ]
	[[ "$output" == *"(mode 0606): refused" ]]
}

@test "policy check: a symlinked policy file is refused" {
	requires_root
	ln -s policy "$D/link"
	run pc alice cgroup.limit
	[ "$status" -eq 0 ]
	run brig policy check --file "$D/link" --passwd "$D/passwd" --group "$D/group" alice cgroup.limit
	[ "$status" -eq 2 ]
	[ "$output" = "brig: $D/link: a symbolic link: refused" ]
}

@test "policy check: a policy in a writable or symlinked directory is refused" {
	requires_root
	chmod 0777 "$D"
	run pc alice cgroup.limit
	[ "$status" -eq 2 ]
	[ "$output" = "brig: directory $D: writable by group or others (mode 0777): refused" ]
	chmod 0755 "$D"
	ln -s etc "$BATS_TEST_TMPDIR/etclink"
	run brig policy check --file "$BATS_TEST_TMPDIR/etclink/policy" root cgroup.limit
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a directory (or a symbolic link): refused" ]]
}

@test "policy check: a policy file not owned by root is refused" {
	if [ "$(id -u)" -eq 0 ]; then
		chown 65534 "$D/policy"
	fi
	run pc alice cgroup.limit
	[ "$status" -eq 2 ]
	[[ "$output" == *"$D"*"owned by uid "*", not root: refused" ]]
}

@test "policy check: no policy file denies everyone but root" {
	# in /etc, a root-owned directory, so that it runs rootless too
	local missing=/etc/brig-test-no-policy-$$
	[ ! -e "$missing" ]
	run pc alice cgroup.limit --file "$missing"
	[ "$status" -eq 1 ]
	[ "$output" = "deny (no policy file $missing: default deny)" ]
	run pc root cgroup.limit --file "$missing"
	[ "$status" -eq 0 ]
	[ "$output" = "allow (root)" ]
}

@test "policy: --help, and listed in brig --help" {
	run brig policy --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: brig policy check [--file FILE] USER ACTION [KEY=VALUE...]"* ]]
	run brig policy check --help
	[ "$status" -eq 0 ]
	run brig --help
	[[ "$output" == *"policy "* ]]
}
