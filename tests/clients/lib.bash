# tests/clients/lib.bash - what the engine suites (podman.bats, docker.bats,
# containerd.bats) share: the runtime under test, a busybox rootfs tar, a
# reaper for daemons, waiting, and removing the cgroups an engine made
# under a parent of our own.  Sourced by bats files and setup scripts.

CL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# cl_runtime DIR: print the runtime the engines are to run.  Default: a
# wrapper DIR/brig around the build tree's brig, or RUNTIME=PATH/brig
# (engines and their shims do not pass BRIG_HELPER_DIR through).
# RUNTIME=runc, or BRIG_CLIENT_RUNTIME=PATH, runs the same tests with
# another runtime: a test that fails with brig and passes with runc is
# brig's failure.
cl_runtime() {
	local dir=$1 brig
	if [ -n "${BRIG_CLIENT_RUNTIME:-}" ]; then
		echo "$BRIG_CLIENT_RUNTIME"
		return
	fi
	brig=${BRIG:-$CL_TOP/build/front/brig}
	case ${RUNTIME:-brig} in
	brig) ;;
	*/brig) brig=$RUNTIME ;;
	runc) echo /usr/sbin/runc; return ;;
	crun) echo /usr/bin/crun; return ;;
	*) echo "$RUNTIME"; return ;;
	esac
	mkdir -p "$dir"
	cat >"$dir/brig" <<-WRAP
		#!/bin/sh
		BRIG_HELPER_DIR=${BRIG_HELPER_DIR:-$CL_TOP/build/helpers} exec $brig "\$@"
	WRAP
	chmod +x "$dir/brig"
	echo "$dir/brig"
}

# cl_rootfs_tar FILE: scripts/make-rootfs tarred into FILE.
cl_rootfs_tar() {
	local file=$1 dir
	dir=$(mktemp -d "${file%/*}/rootfs.XXXXXX")
	bash "$CL_TOP/scripts/make-rootfs" "$dir" >/dev/null
	tar -C "$dir" -cf "$file" .
	rm -rf "$dir"
}

# The reaper: perl made a child subreaper (prctl PR_SET_CHILD_SUBREAPER
# survives exec) runs ARGS, passes TERM, INT and HUP on, and reaps every
# orphan of the tree (this machine's PID 1 does not).  When ARGS exits it
# waits up to CL_REAP_GRACE seconds (default 10) for orphans still
# running (shims, conmon), then kills them; it exits with ARGS' status.
CL_REAPER='
use strict;
use POSIX ":sys_wait_h";
syscall(157, 36, 1, 0, 0, 0) == 0 or die "reap: prctl: $!\n";
my $grace = $ENV{CL_REAP_GRACE} // 10;
my $main = fork() // die "reap: fork: $!\n";
if ($main == 0) { exec @ARGV or die "reap: exec $ARGV[0]: $!\n"; }
$SIG{$_} = sub { kill $_[0], $main } for qw(TERM INT HUP);
my $status;
while (1) {
	my $pid = waitpid(-1, 0);
	last if $pid < 0 && !$!{EINTR};
	next if $pid <= 0;
	if ($pid == $main) { $status = $?; last; }
}
sub orphans {
	my @pids;
	for my $stat (glob "/proc/[0-9]*/stat") {
		open(my $fh, "<", $stat) or next;
		my $line = <$fh> // next;
		$line =~ /\) \S+ (\d+)/ or next;
		push @pids, ($stat =~ m{/proc/(\d+)/})[0] if $1 == $$;
	}
	return @pids;
}
my $end = time + $grace;
while (orphans()) {
	kill "KILL", orphans() if time >= $end;
	while (waitpid(-1, WNOHANG) > 0) {}
	select(undef, undef, undef, 0.1);
}
exit($status & 127 ? 128 + ($status & 127) : $status >> 8);
'

# cl_reap ARGS...: run ARGS under the reaper (see above).
cl_reap() {
	perl -e "$CL_REAPER" "$@"
}

# cl_daemon_start PIDFILE LOG ARGS...: start a daemon in the background
# under the reaper; PIDFILE gets the reaper's pid.
cl_daemon_start() {
	local pidfile=$1 log=$2
	shift 2
	perl -e "$CL_REAPER" "$@" </dev/null >"$log" 2>&1 &
	echo $! >"$pidfile"
}

# cl_daemon_stop PIDFILE: TERM the daemon (through its reaper), wait up to
# 30 s, then KILL.  Its orphans die with the reaper's grace.
cl_daemon_stop() {
	local pidfile=$1 pid i
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	kill -TERM "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
	for i in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$pidfile"
	return 0
}

# cl_wait_for SECONDS ARGS...: run ARGS every 0.1 s until it succeeds.
cl_wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	"$@"
}

# cl_in_pty CMD: run the shell command CMD on a terminal of its own
# (script(1)), 60 s at most.  script runs CMD with $SHELL -c; dash (/bin/sh)
# does not exec a lone command, and a plain timeout(1) moves its command
# into a process group of its own: a background group of that terminal,
# where an engine that puts the terminal in raw mode (podman -t) is
# stopped by SIGTTOU.  So: one shell, /bin/sh, whatever the caller's
# SHELL, and timeout --foreground, which leaves CMD in the terminal's
# foreground group.  The outer timeout ends script if something still
# holds the terminal after CMD ended.
cl_in_pty() {
	SHELL=/bin/sh timeout -k 5 90 \
		script -qec "timeout --foreground -k 5 60 $1" /dev/null
}

# cl_cgroup_remove NAME: remove the cgroup NAME (a parent made for this
# run only: never one we did not make) and everything under it, in every
# hierarchy, deepest first.  Processes still in it are killed first.
cl_cgroup_remove() {
	local name=$1 root dir
	case $name in
	'' | */* | . | ..) return 1 ;;
	esac
	for root in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$root$name" ] || continue
		find "$root$name" -depth -type d |
			while read -r dir; do
				if [ -s "$dir/cgroup.procs" ]; then
					xargs -r kill -KILL <"$dir/cgroup.procs" 2>/dev/null
				fi
				rmdir "$dir" 2>/dev/null || {
					sleep 0.2
					rmdir "$dir" 2>/dev/null
				}
			done
	done
	return 0
}

# cl_umount_under DIR: unmount whatever is still mounted under DIR (an
# engine killed before its own clean-up), deepest first.
cl_umount_under() {
	local dir=$1
	awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do
			umount -l "$m" 2>/dev/null
		done
	return 0
}

# cl_note_dirs FILE DIR...: list in FILE the DIRs that do not exist yet
# (an engine will make them outside its roots), deepest first as given.
cl_note_dirs() {
	local file=$1 d
	shift
	: >"$file"
	for d in "$@"; do
		[ -e "$d" ] || echo "$d" >>"$file"
	done
}

# cl_remove_noted_dirs FILE: remove the dirs cl_note_dirs listed, when
# empty (another engine may use them by now).
cl_remove_noted_dirs() {
	local d
	[ -f "$1" ] || return 0
	while read -r d; do
		rmdir "$d" 2>/dev/null
	done <"$1"
	return 0
}
