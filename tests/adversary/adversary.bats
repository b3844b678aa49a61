#!/usr/bin/env bats
# adversary.bats - attacks on helpers installed setuid root, each run as the
# unprivileged user $ADV_USER through tests/adversary/adv-client.  Every
# attack asserts that it was refused AND that nothing changed on the host.
# Run by tests/adversary/run (as root), which sets ADV, ADV_HELPERS,
# ADV_USER, ADV_CGROOT and installs everything.

setup_file() {
	export UID_ADV
	UID_ADV=$(id -u "$ADV_USER")
	export CG="$ADV_HELPERS/brig-cgroup" MNT="$ADV_HELPERS/brig-mount"
	export SCC="$ADV_HELPERS/brig-seccomp"
}

setup() {
	policy_ok
	rm -f /tmp/brig-adv-preload-marker*
}

teardown() {
	# Each test leaves no cgroup behind, whatever happened.
	local d
	for d in /sys/fs/cgroup/*/"$ADV_CGROOT"/*/*; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	true
}

# The adversary: adv-client as the test user, with no environment of ours.
adv() {
	run runuser -u "$ADV_USER" -- env -i "$ADV/bin/adv-client" "$@"
	echo "adv-client $*: status $status: $output" >&3
}

write_policy() {
	chmod 755 "$ADV/etc"
	rm -f "$ADV/etc/policy"
	printf '%s\n' "$@" >"$ADV/etc/policy"
	chown 0:0 "$ADV/etc/policy"
	chmod 644 "$ADV/etc/policy"
}

policy_ok() {
	write_policy "allow $ADV_USER cgroup.limit root=/sys/fs/cgroup/$ADV_CGROOT memory=64M pids=100 max=2"
}

# Every cgroup directory the test root holds, in every hierarchy.
cg_tree() {
	find /sys/fs/cgroup/*/"$ADV_CGROOT" -type d 2>/dev/null | sort
}

# gone PID: the process has ended: no such pid, or a zombie that nobody
# reaped (the client that forked it has exited; PID 1 here does not
# always reap orphans).
gone() {
	local st
	st=$(ps -o stat= -p "$1") || return 0
	[[ "$st" == Z* ]]
}

# The user's own leaf NAME in every hierarchy.
leaf_dirs() {
	ls -d /sys/fs/cgroup/*/"$ADV_CGROOT/$UID_ADV/$1" 2>/dev/null
}

refused() {
	[ "$status" -eq 1 ] || [ "$status" -eq 2 ]
}

@test "baseline: a user's create, stats, freeze, thaw, kill and delete work under <root>/<uid>" {
	adv "$CG" cgroup create --path /x/basic --memory 33554432 --keep
	[ "$status" -eq 0 ]
	child=$(echo "$output" | sed -n 's/^child //p')
	[ -n "$(leaf_dirs basic)" ]
	[ "$(cat /sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/basic/memory.limit_in_bytes)" = 33554432 ]
	grep -qx "$child" /sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/basic/cgroup.procs
	# root-owned: the user cannot write its own limits
	[ "$(stat -c %u /sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/basic/memory.limit_in_bytes)" = 0 ]
	run runuser -u "$ADV_USER" -- sh -c "echo -1 > /sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/basic/memory.limit_in_bytes"
	[ "$status" -ne 0 ]
	adv "$CG" cgroup stats --path basic; [ "$status" -eq 0 ]
	adv "$CG" cgroup freeze --path basic; [ "$status" -eq 0 ]
	adv "$CG" cgroup thaw --path basic; [ "$status" -eq 0 ]
	adv "$CG" cgroup kill --path basic; [ "$status" -eq 0 ]
	sleep 0.2
	gone "$child"
	adv "$CG" cgroup delete --path basic; [ "$status" -eq 0 ]
	[ -z "$(leaf_dirs basic)" ]
}

@test "attack 1: '..' in a cgroup path is refused, nothing made" {
	before=$(cg_tree)
	adv "$CG" cgroup create --path "/$ADV_CGROOT/../../evil"
	refused
	[[ "$output" == *'".." component'* ]]
	[ "$(cg_tree)" = "$before" ]
	! ls -d /sys/fs/cgroup/*/evil 2>/dev/null
}

@test "attack 2: an absolute cgroup path outside the root is confined to <root>/<uid>" {
	adv "$CG" cgroup create --path /sys/fs/cgroup/memory/escape
	[ "$status" -eq 0 ]
	# (! CMD), not ! CMD: bash's errexit ignores a bare !, so it could never fail the test.
	(! ls -d /sys/fs/cgroup/*/escape /sys/fs/cgroup/memory/sys 2>/dev/null)
	[ -d "/sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/escape" ]
	adv "$CG" cgroup delete --path escape
	[ -z "$(leaf_dirs escape)" ]
}

@test "attack 3: a message naming another uid's subtree is ignored (SO_PEERCRED decides)" {
	adv "$CG" cgroup create --path "/$ADV_CGROOT/0/claimed"
	[ "$status" -eq 0 ]
	(! ls -d /sys/fs/cgroup/*/"$ADV_CGROOT"/0 2>/dev/null)
	[ -n "$(leaf_dirs claimed)" ]
	adv "$CG" cgroup delete --path claimed
}

@test "attack 4: another user's container cgroup: kill/freeze/delete cannot reach it, nor tell it exists" {
	mkdir -p /sys/fs/cgroup/memory/$ADV_CGROOT/4242/victim /sys/fs/cgroup/freezer/$ADV_CGROOT/4242/victim
	adv "$CG" cgroup delete --path /$ADV_CGROOT/4242/victim
	adv "$CG" cgroup freeze --path /$ADV_CGROOT/4242/victim
	msg_victim=$(echo "$output" | sed "s/victim/NAME/g")
	adv "$CG" cgroup freeze --path /$ADV_CGROOT/4242/ghost
	refused
	msg_ghost=$(echo "$output" | sed "s/ghost/NAME/g")
	[ "$msg_victim" = "$msg_ghost" ]
	[ -d /sys/fs/cgroup/memory/$ADV_CGROOT/4242/victim ]
	[ "$(cat /sys/fs/cgroup/freezer/$ADV_CGROOT/4242/victim/freezer.state)" = THAWED ]
	rmdir /sys/fs/cgroup/memory/$ADV_CGROOT/4242/victim /sys/fs/cgroup/memory/$ADV_CGROOT/4242
	rmdir /sys/fs/cgroup/freezer/$ADV_CGROOT/4242/victim /sys/fs/cgroup/freezer/$ADV_CGROOT/4242
}

@test "attack 5: a pid of root is refused, the process stays where it was" {
	sleep 100 &
	victim=$!
	cg_before=$(cat /proc/$victim/cgroup)
	adv "$CG" cgroup create --path rootpid --pid $victim
	refused
	[[ "$output" == *"not the caller's"* ]]
	kill -0 $victim
	[ "$(cat /proc/$victim/cgroup)" = "$cg_before" ]
	[ -z "$(leaf_dirs rootpid)" ]
	kill $victim
}

@test "attack 6: a pid of another unprivileged user is refused" {
	runuser -u nobody -- sleep 100 &
	sleep 0.3
	victim=$(pgrep -u nobody -n -x sleep)
	cg_before=$(cat /proc/$victim/cgroup)
	adv "$CG" cgroup create --path otherpid --pid $victim
	refused
	kill -0 $victim
	[ "$(cat /proc/$victim/cgroup)" = "$cg_before" ]
	[ -z "$(leaf_dirs otherpid)" ]
	kill $victim
}

@test "attack 7: the pidfd of an exited process (a pid that may be reused) is refused" {
	adv "$CG" cgroup create --path reused --fd exited
	refused
	[ -z "$(leaf_dirs reused)" ]
}

@test "attack 8: a namespace fd where a pidfd belongs is refused" {
	adv "$CG" cgroup create --path nsfd --fd netns
	refused
	[[ "$output" == *"not a pidfd"* ]]
	[ -z "$(leaf_dirs nsfd)" ]
}

@test "attack 9: a regular file where a pidfd belongs is refused" {
	adv "$CG" cgroup create --path regfd --fd regular
	refused
	[[ "$output" == *"not a pidfd"* ]]
	[ -z "$(leaf_dirs regfd)" ]
}

@test "attack 10: an extra fd on CREATE is refused" {
	adv "$CG" cgroup create --path extrafd --fd extra
	refused
	[ -z "$(leaf_dirs extrafd)" ]
}

@test "attack 11: a missing fd on CREATE is refused" {
	adv "$CG" cgroup create --path nofd --fd none
	refused
	[ -z "$(leaf_dirs nofd)" ]
}

@test "attack 12: an oversized message ends the session, nothing done" {
	before=$(cg_tree)
	adv "$CG" raw oversize
	refused
	[ "$(cg_tree)" = "$before" ]
}

@test "attack 13: a truncated message is refused" {
	adv "$CG" raw truncated
	refused
}

@test "attack 14: a wrong magic is refused" {
	adv "$CG" raw magic
	refused
	[[ "$output" == *"magic"* ]] || [[ "$output" == *"no reply"* ]]
}

@test "attack 15: a wrong version is refused" {
	adv "$CG" raw version
	refused
}

@test "attack 16: an fd count above the declared one is refused" {
	adv "$CG" raw nfds-extra
	refused
}

@test "attack 17: a declared fd count with no fds is refused" {
	adv "$CG" raw nfds-missing
	refused
}

@test "attack 18: an unknown message type is refused" {
	adv "$CG" raw unknown
	refused
}

@test "attack 19: LD_PRELOAD is never loaded into a setuid helper" {
	before=$(cg_tree)
	run runuser -u "$ADV_USER" -- env -i LD_PRELOAD="$ADV/bin/adv-preload.so" \
		ADV_MARKER=/tmp/brig-adv-preload-marker "$ADV/bin/adv-client" "$CG" cgroup create --path "/a/../b"
	refused
	# the client itself loaded it: the injection was real; the helper did not
	[ -e /tmp/brig-adv-preload-marker.adv-client ]
	(! ls /tmp/brig-adv-preload-marker.brig-* 2>/dev/null)
	[ "$(cg_tree)" = "$before" ]
}

@test "attack 20: LD_LIBRARY_PATH, GCONV_PATH, MALLOC_* change nothing; the helper's environment is empty" {
	run runuser -u "$ADV_USER" -- env -i LD_LIBRARY_PATH="$ADV/bin" GCONV_PATH="$ADV/bin" \
		MALLOC_CHECK_=3 MALLOC_PERTURB_=165 LD_PRELOAD="$ADV/bin/adv-preload.so" \
		ADV_MARKER=/tmp/brig-adv-preload-marker "$ADV/bin/adv-client" "$CG" cgroup create --path envtest
	[ "$status" -eq 0 ]
	(! ls /tmp/brig-adv-preload-marker.brig-* 2>/dev/null)
	adv "$CG" cgroup delete --path envtest
	[ "$status" -eq 0 ]
	coproc HOLD { runuser -u "$ADV_USER" -- env -i FOO=bar LD_LIBRARY_PATH=/tmp "$ADV/bin/adv-client" "$CG" hold; }
	read -r _ hpid <&"${HOLD[0]}"
	sleep 0.2
	[ -z "$(tr -d '\0' </proc/$hpid/environ)" ]
	echo >&"${HOLD[1]}"
	wait
}

@test "attack 21: a world-writable policy file is refused" {
	chmod 666 "$ADV/etc/policy"
	adv "$CG" cgroup create --path ww
	refused
	[[ "$output" == *"$ADV/etc/policy"* ]]
	[ -z "$(leaf_dirs ww)" ]
}

@test "attack 22: a group-writable policy directory is refused" {
	chmod 775 "$ADV/etc"
	adv "$CG" cgroup create --path gw
	chmod 755 "$ADV/etc"
	refused
	[ -z "$(leaf_dirs gw)" ]
}

@test "attack 23: a symlinked policy file is refused" {
	cp "$ADV/etc/policy" "$ADV/etc/real"
	rm "$ADV/etc/policy"
	ln -s real "$ADV/etc/policy"
	adv "$CG" cgroup create --path symlinked
	rm -f "$ADV/etc/policy" "$ADV/etc/real"
	refused
	[ -z "$(leaf_dirs symlinked)" ]
}

@test "attack 24: a policy line for another user only: denied" {
	write_policy "allow nobody cgroup.limit root=/$ADV_CGROOT"
	adv "$CG" cgroup create --path other
	refused
	[[ "$output" == *"no cgroup.limit line"* ]]
	[ -z "$(leaf_dirs other)" ]
}

@test "attack 25: no policy line at all: default deny" {
	write_policy "# nothing"
	adv "$CG" cgroup create --path none
	refused
	[ -z "$(leaf_dirs none)" ]
}

@test "attack 26: a deny line for the user wins" {
	write_policy "deny $ADV_USER *" "allow $ADV_USER cgroup.limit root=/$ADV_CGROOT"
	adv "$CG" cgroup create --path denied
	refused
	[[ "$output" == *"denied by"* ]]
	[ -z "$(leaf_dirs denied)" ]
}

@test "attack 27: a memory limit above the policy's quota is refused" {
	adv "$CG" cgroup create --path bigmem --memory 1073741824
	refused
	[[ "$output" == *"memory=67108864"* ]]
	[ -z "$(leaf_dirs bigmem)" ]
}

@test "attack 28: no memory limit asked: the policy's applies (and pids=)" {
	adv "$CG" cgroup create --path defmem
	[ "$status" -eq 0 ]
	[ "$(cat /sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/defmem/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat /sys/fs/cgroup/pids/$ADV_CGROOT/$UID_ADV/defmem/pids.max)" = 100 ]
	# nor can an update lift it
	adv "$CG" cgroup update --path defmem --memory -1
	refused
	[ "$(cat /sys/fs/cgroup/memory/$ADV_CGROOT/$UID_ADV/defmem/memory.limit_in_bytes)" = 67108864 ]
	adv "$CG" cgroup delete --path defmem
}

@test "attack 29: more containers than max= is refused" {
	adv "$CG" cgroup create --path m1; [ "$status" -eq 0 ]
	adv "$CG" cgroup create --path m2; [ "$status" -eq 0 ]
	adv "$CG" cgroup create --path m3
	refused
	[[ "$output" == *"max=2"* ]]
	[ -z "$(leaf_dirs m3)" ]
	adv "$CG" cgroup delete --path m1
	adv "$CG" cgroup delete --path m2
}

@test "attack 30: two CREATEs racing for one name: exactly one wins" {
	adv "$CG" race racer
	[ "$status" -eq 0 ]
	[[ "$output" == *"winners 1"* ]]
	[ -n "$(leaf_dirs racer)" ]
	adv "$CG" cgroup delete --path racer
}

@test "attack 31: a cgroup file outside the allowed set (unified cgroup.procs, release_agent) is refused" {
	ra_before=$(cat /sys/fs/cgroup/memory/release_agent 2>/dev/null || true)
	adv "$CG" cgroup create --path uni --unified cgroup.procs=1
	refused
	adv "$CG" cgroup create --path uni --unified release_agent=/tmp/x
	refused
	[ -z "$(leaf_dirs uni)" ]
	[ "$(cat /sys/fs/cgroup/memory/release_agent 2>/dev/null || true)" = "$ra_before" ]
}

@test "attack 32: PREPARE (writable tasks files) is refused to a user" {
	adv "$CG" cgroup prepare --path prep
	refused
	[[ "$output" == *"root"* ]]
	[ -z "$(leaf_dirs prep)" ]
}

@test "attack 33: stray fds 4 and 5 left open by the caller are closed by the helper" {
	coproc HOLD { runuser -u "$ADV_USER" -- "$ADV/bin/adv-client" "$CG" hold; }
	read -r _ hpid <&"${HOLD[0]}"
	sleep 0.2
	fds=$(ls /proc/$hpid/fd | sort -n | tr '\n' ' ')
	echo >&"${HOLD[1]}"
	wait
	[ "$fds" = "0 1 2 3 " ]
}

@test "attack 34: a SOCK_STREAM socket as fd 3: the helper refuses to start" {
	adv "$CG" stream
	[ "$status" -eq 2 ]
	[[ "$output" == *"exit 2"* ]]
}

@test "attack 35: ptrace of the setuid helper is refused; it is not dumpable" {
	adv "$CG" ptrace
	[ "$status" -eq 1 ]
	[[ "$output" == *"refused"* ]]
}

@test "attack 36: brig-seccomp dropped to the user is still not ptrace-able (non-dumpable)" {
	run runuser -u "$ADV_USER" -- "$ADV/bin/adv-client" "$SCC" ptrace
	[ "$status" -eq 1 ]
}

@test "attack 37: setuid brig-mount and brig-seccomp drop to the caller (uids, caps, bounding set, no_new_privs)" {
	for h in "$MNT" "$SCC"; do
		coproc HOLD { runuser -u "$ADV_USER" -- "$ADV/bin/adv-client" "$h" hold; }
		read -r _ hpid <&"${HOLD[0]}"
		sleep 0.2
		st=$(cat /proc/$hpid/status)
		echo >&"${HOLD[1]}"
		wait
		echo "$st" | grep -Eq "^Uid:\s+$UID_ADV\s+$UID_ADV\s+$UID_ADV\s+$UID_ADV$"
		echo "$st" | grep -Eq '^CapEff:\s+0+$'
		echo "$st" | grep -Eq '^CapPrm:\s+0+$'
		echo "$st" | grep -Eq '^CapBnd:\s+0+$'
		echo "$st" | grep -Eq '^NoNewPrivs:\s+1$'
	done
}

@test "attack 38: brig-mount as the user: '..' in a mount target is refused, nothing mounted" {
	mnt_before=$(grep -c . /proc/self/mountinfo)
	rootfs=$(runuser -u "$ADV_USER" -- mktemp -d /tmp/brig-adv-root.XXXXXX)
	adv_mnt() { run runuser -u "$ADV_USER" -- "$ADV/bin/adv-client" "$MNT" mount "$@"; }
	adv_mnt "$rootfs" "/../../../etc"
	refused
	(! mountpoint -q /etc)
	rm -rf "$rootfs"
}

@test "attack 39: brig-mount as the user: a symlink in a mount target is refused (EPERM), nothing mounted" {
	rootfs=$(runuser -u "$ADV_USER" -- mktemp -d /tmp/brig-adv-root.XXXXXX)
	runuser -u "$ADV_USER" -- ln -s /etc "$rootfs/lnk"
	run runuser -u "$ADV_USER" -- "$ADV/bin/adv-client" "$MNT" mount "$rootfs" /lnk
	refused
	(! mountpoint -q /etc)
	(! grep -q " $rootfs" /proc/self/mountinfo)
	rm -rf "$rootfs"
}

@test "attack 40: a cgroup name with a '.' leaf or a bad character is refused" {
	adv "$CG" cgroup create --path "/a/b/."
	refused
	adv "$CG" cgroup create --path '/a/b/x$y'
	refused
	! ls -d /sys/fs/cgroup/*/"$ADV_CGROOT/$UID_ADV"/'x$y' 2>/dev/null
}
