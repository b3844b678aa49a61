#!/usr/bin/env bats
# isolation.bats - what a brig-vm guest does to its kernel stays in the
# guest (issue 9): a sysrq write, a module load, proc and tmpfs mounts, a
# hostname change.  Also: the guest's pid 1 is brig-vminit and its kernel
# sees the VM's memory, not the host's.  Run as root by tests/vmhandler/run
# (KVM or TCG as in vmhandler.bats: BRIG_VM_ACCEL=kvm|tcg forces one).
#
# One VM (a few seconds under TCG) runs /iso/guest.sh, which does every
# action and prints KEY=VALUE lines; setup_file records the host's state
# just before and just after that run.  Each test then checks one action:
# it happened in the guest (the positive control) and the host did not
# change.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BRIG_BUILD:-$REPO/build}
VMCLIENT=$BUILD/tests/unit/vmclient
VMINIT=$BUILD/helpers/brig-vminit
export BRIG_HELPER_DIR=${BRIG_HELPER_DIR:-$BUILD/helpers}
MEM_MIB=320 # not vmclient's default, so MemTotal follows -m, not chance

# Sysrq lines in a kernel log on stdin ("sysrq: HELP : ..." since 5.x,
# "SysRq : HELP" before).
sysrq_lines() {
	grep -ci 'sysrq *:' || true
}

# The host's state that the guest's actions must not change, in $1.
host_state() {
	local d=$1
	mkdir -p "$d"
	dmesg >"$d/dmesg" || return 1
	sysrq_lines <"$d/dmesg" >"$d/sysrq"
	cat /proc/modules >"$d/modules" 2>/dev/null || echo "no /proc/modules" >"$d/modules"
	[ -e "/sys/module/$MOD" ] && echo present >"$d/sysmodule" || echo absent >"$d/sysmodule"
	cat /proc/self/mountinfo >"$d/mountinfo"
	cat /proc/sys/kernel/hostname >"$d/hostname"
	sha256sum <"$VMINIT" | cut -d' ' -f1 >"$d/vminit"
}

# A module for the guest kernel's release $1 that needs no other module:
# its path, and its name in $MOD.
pick_module() {
	local dir=/lib/modules/$1 m f
	for m in crc8 crc7 crc4 crc-itu-t libcrc32c; do
		f=$(sed -n "s|^\(kernel/lib/$m\.ko\(\.xz\)\{0,1\}\):\$|\1|p" "$dir/modules.dep")
		[ -n "$f" ] && [ -f "$dir/$f" ] || continue
		MOD=${m//-/_}
		# Not one the host has (loaded, or built in with parameters).
		[ -e "/sys/module/$MOD" ] && continue
		grep -q "^$MOD " /proc/modules 2>/dev/null && continue
		echo "$dir/$f"
		return 0
	done
	return 1
}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "brig-vm tests run as root"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	[ -x "$VMCLIENT" ] || skip "no $VMCLIENT: build first"
	export VMTMP=$BATS_FILE_TMPDIR
	local root=$VMTMP/rootfs kernel rel ko rc=0
	"$REPO/scripts/make-rootfs" "$root" >/dev/null
	mkdir -m 0755 "$root/mnt" "$root/iso" "$root/iso/tmpfs"
	mkdir -m 0700 "$VMTMP/cache"

	# The kernel vmclient would pick, named, so the module matches it.
	kernel=$(ls -1 /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)
	rel=${kernel#/boot/vmlinuz-}
	export KERNEL=$kernel
	ko=$(pick_module "$rel") || {
		echo "no dependency-free module in /lib/modules/$rel" >&2
		return 1
	}
	export MOD
	MOD=$(basename "${ko%.xz}" .ko)
	MOD=${MOD//-/_}
	case $ko in
	*.xz) xz -dc "$ko" >"$root/iso/mod.ko" ;;
	*) cp "$ko" "$root/iso/mod.ko" ;;
	esac

	cat >"$root/iso/guest.sh" <<'GUEST'
# The guest's process: every action, KEY=VALUE lines on stdout.
k() { echo "$1=$2"; }
sysrq() { dmesg | grep -ci 'sysrq *:'; }
k boot_id "$(cat /proc/sys/kernel/random/boot_id)"
# sysrq 'h' prints the help line in the kernel log, nothing else.
k sysrq_before "$(sysrq)"
echo h >/proc/sysrq-trigger
k sysrq_rc $?
k sysrq_after "$(sysrq)"
# A module.
insmod /iso/mod.ko
k insmod_rc $?
k guest_module "$(grep -c "^$MOD " /proc/modules)"
# proc and tmpfs mounts, and a file in each place.
mount -t proc brigisoproc /mnt
k mount_proc_rc $?
mount -t tmpfs brigisotmp /iso/tmpfs
k mount_tmpfs_rc $?
k proc_mount "$(grep -c '^brigisoproc /mnt proc ' /proc/mounts)"
k tmpfs_mount "$(grep -c '^brigisotmp /iso/tmpfs tmpfs ' /proc/mounts)"
k mnt_pid1 "$(cat /mnt/1/comm)"
echo in-tmpfs >/iso/tmpfs/inside
k tmpfs_write $?
echo on-9p >/iso/outside
k rootfs_write $?
# The hostname.
k hostname_before "$(hostname)"
hostname brig-iso-guest
k hostname_rc $?
k hostname_after "$(cat /proc/sys/kernel/hostname)"
# pid 1 and memory.
k pid1_comm "$(cat /proc/1/comm)"
k pid1_cmdline "$(tr '\0' ' ' </proc/1/cmdline)"
k pid1_exe "$(sha256sum /proc/1/exe | cut -d' ' -f1)"
k memtotal_kb "$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)"
k done yes
GUEST

	host_state "$VMTMP/before"
	timeout -k 5 "${BRIG_VM_TEST_TIMEOUT:-120}" "$VMCLIENT" -C "$VMTMP/cache" -k "$KERNEL" \
		-m "$MEM_MIB" -e PATH=/bin -e "MOD=$MOD" "$root" /bin/sh /iso/guest.sh \
		>"$VMTMP/out" 2>"$VMTMP/err" || rc=$?
	host_state "$VMTMP/after"
	echo "$rc" >"$VMTMP/status"
}

# g KEY: the guest's value for KEY.
g() {
	sed -n "s/^$1=//p" "$VMTMP/out"
}

# Every test starts here: the guest's run, shown when a test fails.
guest_ran() {
	echo "module $MOD; status $(cat "$VMTMP/status")"
	echo "--- guest stdout"; cat "$VMTMP/out"
	echo "--- guest stderr"; cat "$VMTMP/err"
	[ "$(cat "$VMTMP/status")" -eq 0 ]
	[ "$(g done)" = yes ]
}

# lacks [-F] PATTERN FILE: FILE has no line matching.  (A bare "! grep"
# in a test does not fail it: errexit ignores "!".)
lacks() {
	! grep -q "$@"
}

# The host's before and after files $1 are the same.
unchanged() {
	diff "$VMTMP/before/$1" "$VMTMP/after/$1"
}

@test "isolation: sysrq written in the guest reaches the guest's kernel log, not the host's" {
	guest_ran
	# Positive control: the write succeeded and the guest's log gained
	# the help line, counted the way the host's is.
	[ "$(g sysrq_rc)" = 0 ]
	[ "$(g sysrq_after)" -eq $(($(g sysrq_before) + 1)) ]
	# The host's log: no new sysrq line (other tests may log meanwhile,
	# so the sysrq lines are compared, not the whole log).
	echo "host sysrq lines: $(cat "$VMTMP/before/sysrq") -> $(cat "$VMTMP/after/sysrq")"
	[ -s "$VMTMP/after/dmesg" ]
	unchanged sysrq
}

@test "isolation: a module insmod'ed in the guest is loaded there and not on the host" {
	guest_ran
	# Positive control: the guest kernel loaded it.
	[ "$(g insmod_rc)" = 0 ]
	[ "$(g guest_module)" = 1 ]
	# The host: neither /proc/modules nor /sys/module changed.
	unchanged modules
	lacks "^$MOD " "$VMTMP/after/modules"
	[ "$(cat "$VMTMP/before/sysmodule")" = absent ]
	[ "$(cat "$VMTMP/after/sysmodule")" = absent ]
}

@test "isolation: proc and tmpfs mounted in the guest are not mounted on the host" {
	guest_ran
	# Positive control: both mounts exist in the guest, and its proc works.
	[ "$(g mount_proc_rc)" = 0 ]
	[ "$(g mount_tmpfs_rc)" = 0 ]
	[ "$(g proc_mount)" = 1 ]
	[ "$(g tmpfs_mount)" = 1 ]
	[ "$(g mnt_pid1)" = init ]
	# The host's mount table: nothing of those mounts, nothing under the
	# rootfs.  (Other tests may mount elsewhere meanwhile.)
	echo "--- new host mounts"
	grep -vxF -f "$VMTMP/before/mountinfo" "$VMTMP/after/mountinfo" || true
	lacks brigiso "$VMTMP/after/mountinfo"
	lacks -F " $VMTMP/" "$VMTMP/after/mountinfo"
	# Control of that check: such a mount, made on the host in a private
	# mount namespace, shows in its mountinfo.
	unshare -m --propagation private sh -c \
		'mount -t tmpfs brigisotmp "$1" && cat /proc/self/mountinfo' sh "$VMTMP/rootfs/iso/tmpfs" \
		>"$VMTMP/control-mountinfo"
	grep -q "^.* $VMTMP/rootfs/iso/tmpfs .* - tmpfs brigisotmp " "$VMTMP/control-mountinfo"
	# The file written into the guest's tmpfs stayed there; one written
	# beside it reached the host through 9p (so the first check can fail).
	[ "$(g tmpfs_write)" = 0 ]
	[ "$(g rootfs_write)" = 0 ]
	[ ! -e "$VMTMP/rootfs/iso/tmpfs/inside" ]
	[ "$(cat "$VMTMP/rootfs/iso/outside")" = on-9p ]
	[ -z "$(ls -A "$VMTMP/rootfs/mnt")" ]
}

@test "isolation: the guest's hostname change leaves the host's alone" {
	guest_ran
	[ "$(g hostname_rc)" = 0 ]
	[ "$(g hostname_after)" = brig-iso-guest ]
	[ "$(g hostname_before)" != brig-iso-guest ]
	unchanged hostname
	[ "$(cat "$VMTMP/after/hostname")" != brig-iso-guest ]
}

@test "isolation: the guest's pid 1 is brig-vminit, under a kernel of its own" {
	guest_ran
	[ "$(g pid1_comm)" = init ]
	[ "$(g pid1_cmdline)" = "/init " ]
	# The very bytes of brig-vminit (hashed before and after the run, in
	# case another build replaced it meanwhile).
	exe=$(g pid1_exe)
	[ -n "$exe" ]
	[ "$exe" = "$(cat "$VMTMP/before/vminit")" ] || [ "$exe" = "$(cat "$VMTMP/after/vminit")" ]
	[ "$exe" != "$(sha256sum </proc/1/exe | cut -d' ' -f1)" ]
	# Another kernel: another boot id.
	[ -n "$(g boot_id)" ]
	[ "$(g boot_id)" != "$(cat /proc/sys/kernel/random/boot_id)" ]
}

@test "isolation: the guest's kernel sees the VM's memory, not the host's" {
	guest_ran
	guest=$(g memtotal_kb)
	host=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
	echo "MemTotal: guest $guest kB (-m $MEM_MIB), host $host kB"
	# The kernel keeps some for itself: between half and all of -m.
	[ "$guest" -le $((MEM_MIB * 1024)) ]
	[ "$guest" -ge $((MEM_MIB * 1024 / 2)) ]
	[ "$host" -ne "$guest" ]
}
