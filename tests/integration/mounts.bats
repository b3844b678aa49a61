#!/usr/bin/env bats
# mounts.bats - mounts, readonly root, masked and readonly paths, /dev.

load helpers

# add_mount JSON: append one mount object to .mounts.
add_mount() {
	update_config '.mounts += [$m]' --argjson m "$1"
}

# opts_of DEST: the per-mount options (field 6) of DEST, from $output.
opts_of() {
	awk -v d="$1" '$5 == d { o = $6 } END { print o }' <<<"$output"
}

# mountinfo_of DEST: the container's mountinfo line for DEST, from $output.
mountinfo_of() {
	awk -v d="$1" '$5 == d' <<<"$output" | tail -n 1
}

@test "bind mount rw: writes reach the host" {
	mkdir "$TEST_DIR/data"
	echo from-host >"$TEST_DIR/data/in"
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$TEST_DIR/data\", \"options\": [\"bind\"]}"
	set_args sh -c 'cat /data/in && echo from-ct >/data/out'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$TEST_DIR/data/out")" = from-ct ]
}

@test "bind mount ro: writes refused, host unchanged" {
	mkdir "$TEST_DIR/data"
	echo orig >"$TEST_DIR/data/f"
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$TEST_DIR/data\", \"options\": [\"bind\", \"ro\"]}"
	set_args sh -c 'echo changed >/data/f; touch /data/new; grep " /data " /proc/self/mountinfo'
	brig_run "$CT"
	[ "$(cat "$TEST_DIR/data/f")" = orig ]
	[ ! -e "$TEST_DIR/data/new" ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$(opts_of /data)" == ro,* ]]
}

@test "bind of a single file, destination created" {
	echo file-content >"$TEST_DIR/onefile"
	add_mount "{\"destination\": \"/etc/new/dir/onefile\", \"type\": \"bind\", \"source\": \"$TEST_DIR/onefile\", \"options\": [\"bind\"]}"
	set_args cat /etc/new/dir/onefile
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = file-content ]
}

@test "bind does not bring submounts, rbind does" {
	requires_root "the test mounts a tmpfs on the host"
	mkdir -p "$TEST_DIR/src/sub"
	mount -t tmpfs tmpfs "$TEST_DIR/src/sub"
	echo in-submount >"$TEST_DIR/src/sub/f"
	add_mount "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"options\": [\"bind\"]}"
	add_mount "{\"destination\": \"/rb\", \"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"options\": [\"rbind\"]}"
	set_args sh -c 'ls /b/sub | wc -l; cat /rb/sub/f'
	brig_run "$CT"
	umount "$TEST_DIR/src/sub"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = in-submount ]
}

@test "tmpfs with options: size, mode, nosuid, nodev, noexec" {
	add_mount '{"destination": "/t/deep", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "noexec", "size=1m", "mode=700"]}'
	set_args sh -c 'stat -c %a /t/deep; grep " /t/deep " /proc/self/mountinfo'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 700 ]
	[[ "${lines[1]}" == *nosuid* ]]
	[[ "${lines[1]}" == *nodev* ]]
	[[ "${lines[1]}" == *noexec* ]]
	[[ "${lines[1]}" == *size=1024k* ]]
	[[ "${lines[1]}" == *"- tmpfs "* ]]
}

@test "tmpfs ro" {
	add_mount '{"destination": "/rotmp", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]}'
	set_args sh -c 'touch /rotmp/x'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "proc, sysfs, mqueue, devpts and /dev/shm are mounted with their types" {
	set_args cat /proc/self/mountinfo
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$(mountinfo_of /proc)" == *"- proc "* ]]
	[[ "$(mountinfo_of /sys)" == *"- sysfs "* ]]
	[[ "$(opts_of /sys)" == ro,* ]]
	[[ "$(mountinfo_of /dev)" == *"- tmpfs "* ]]
	[[ "$(mountinfo_of /dev/mqueue)" == *"- mqueue "* ]]
	[[ "$(mountinfo_of /dev/pts)" == *"- devpts "* ]]
	[[ "$(mountinfo_of /dev/pts)" == *ptmxmode=666* ]]
	[[ "$(mountinfo_of /dev/shm)" == *"- tmpfs "* ]]
	[[ "$(mountinfo_of /dev/shm)" == *nodev* ]]
}

@test "the container's proc shows the container's pid namespace" {
	update_config '.process.args = ["sh", "-c", "readlink /proc/self; cat /proc/1/cmdline | tr \"\\0\" \" \""]'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -lt 10 ]
	[[ "${lines[1]}" == "sh -c"* ]]
}

@test "sysfs is read-only" {
	set_args sh -c 'echo 1 >/sys/kernel/uevent_helper'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "mqueue works: a file made there is a message queue" {
	set_args sh -c 'touch /dev/mqueue/q && cat /dev/mqueue/q'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == QSIZE:0* ]]
}

@test "readonly root refuses writes; mounts on it stay writable" {
	update_config '.root.readonly = true'
	set_args sh -c 'touch /newfile; echo x >/dev/shm/ok && cat /dev/shm/ok; cat /proc/self/mountinfo'
	brig_run "$CT"
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[ "${lines[1]}" = x ]
	[[ "$(opts_of /)" == ro,* ]]
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "maskedPaths are empty" {
	update_config '.linux.maskedPaths += ["/etc/secretdir", "/etc/secret"]'
	mkdir "$BUNDLE/rootfs/etc/secretdir"
	echo hidden >"$BUNDLE/rootfs/etc/secretdir/f"
	echo hidden >"$BUNDLE/rootfs/etc/secret"
	set_args sh -c 'cat /proc/keys /proc/timer_list /etc/secret | wc -c; ls -A /sys/firmware /proc/acpi /etc/secretdir | grep -v -e : -e "^\$" | wc -l'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
}

@test "maskedPaths that do not exist are ignored" {
	update_config '.linux.maskedPaths += ["/no/such/path"]'
	brig_run "$CT"
	[ "$status" -eq 0 ]
}

@test "readonlyPaths refuse writes" {
	update_config '.linux.readonlyPaths += ["/etc"]'
	set_args sh -c '(echo changed >/proc/sys/kernel/hostname) 2>/dev/null && echo hostname-written
		touch /etc/newfile 2>/dev/null && echo etc-written
		cat /proc/self/mountinfo'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" != *written* ]]
	[ ! -e "$BUNDLE/rootfs/etc/newfile" ]
	[[ "$(opts_of /proc/sys)" == ro,* ]]
	[[ "$(opts_of /proc/bus)" == ro,* ]]
	[[ "$(opts_of /etc)" == ro,* ]]
}

@test "/dev holds the default devices with the right numbers" {
	set_args sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
}

@test "/dev devices work: null, zero, full, urandom" {
	set_args sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && head -c 8 /dev/urandom | wc -c && ! echo x >/dev/full'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 4 ]
	[ "${lines[1]}" = 8 ]
}

@test "/dev links: fd, stdin, stdout, stderr, ptmx" {
	set_args sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd /proc/self/fd" ]
	[ "${lines[1]}" = "stdin /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx pts/ptmx" ]
}

@test "host devices are not in /dev" {
	set_args sh -c 'ls /dev'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" != *vda* ]]
	[[ "$output" != *kmsg* ]]
	[[ "$output" != *mem* ]]
}

@test "linux.devices: a device node with mode, uid and gid" {
	requires_root "mknod needs host root"
	update_config '.linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3,
		fileMode: 438, uid: 1000, gid: 1000}]'
	set_args sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/mynull && echo x >/dev/mynull'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 1:3 666 1000:1000" ]
}

@test "linux.devices: a device in a new subdirectory" {
	requires_root "mknod needs host root"
	update_config '.linux.devices = [{path: "/dev/sub/zero", type: "c", major: 1, minor: 5, fileMode: 420}]'
	set_args sh -c 'stat -c "%t:%T %a" /dev/sub/zero && head -c 3 /dev/sub/zero | wc -c'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:5 644" ]
	[ "${lines[1]}" = 3 ]
}

@test "rootfsPropagation values work and the container's mounts stay out of the host" {
	for p in private rprivate slave rslave shared rshared; do
		update_config '.linux.rootfsPropagation = $p' --arg p "$p"
		set_args sleep 10
		create_ct "$CT-$p"
		[ "$(ct_status "$CT-$p")" = created ]
		[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
		rt delete -f "$CT-$p"
	done
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
}

@test "mount propagation from the host into an rslave bind" {
	requires_root "the test mounts on the host"
	mkdir -p "$TEST_DIR/prop/late"
	mount --bind "$TEST_DIR/prop" "$TEST_DIR/prop"
	mount --make-shared "$TEST_DIR/prop"
	add_mount "{\"destination\": \"/prop\", \"type\": \"bind\", \"source\": \"$TEST_DIR/prop\", \"options\": [\"rbind\", \"rslave\"]}"
	set_args sh -c 'for i in $(seq 50); do [ -e /prop/late/marker ] && { echo seen; exit 0; }; sleep 0.1; done; echo not-seen'
	create_ct "$CT"
	rt start "$CT"
	mount -t tmpfs tmpfs "$TEST_DIR/prop/late"
	touch "$TEST_DIR/prop/late/marker"
	wait_status "$CT" stopped
	umount "$TEST_DIR/prop/late"
	umount "$TEST_DIR/prop"
	[ "$(ct_out "$CT")" = seen ]
}
