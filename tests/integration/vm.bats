#!/usr/bin/env bats
# vm.bats - one container under the VM handler (run.oci.handler=vm), as
# root in the integration suite and as an unprivileged user in the
# rootless one: the guest's process runs as the guest's root, and what it
# writes into the rootfs over 9p belongs on the host to root, or to the
# user (brig-vm's 9p then makes no ownership changes).  The lifecycle, the
# mounts and the failures are in tests/vmhandler/handler.bats.

load helpers

setup() {
	common_setup
	requires_brig
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	KERNEL=/vmlinuz
	[ -e "$KERNEL" ] || KERNEL=$(ls -v /boot/vmlinuz-*-amd64 2>/dev/null | tail -n 1)
	[ -r "$KERNEL" ] || skip "no readable guest kernel (linux-image-amd64)"
	update_config '.annotations["run.oci.handler"] = "vm"
		| .annotations["run.brig.vm.kernel"] = $k' --arg k "$KERNEL"
}

teardown() {
	common_teardown
}

@test "vm: a process in a micro-VM; its files in the rootfs are the caller's" {
	rm -f "$BUNDLE/rootfs/tmp/vm-made"
	set_args sh -c 'id -u; echo made > /tmp/vm-made; cat /proc/1/comm'
	RT_TIMEOUT=180 run rt run --bundle "$BUNDLE" "$CT"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0"*"init"* ]]
	[ "$(cat "$BUNDLE/rootfs/tmp/vm-made")" = made ]
	[ "$(stat -c %u "$BUNDLE/rootfs/tmp/vm-made")" = "$(id -u)" ]
	rm -f "$BUNDLE/rootfs/tmp/vm-made"
}
