/* spec.h - the process spec brig-vm hands the guest's init (vminit).
 *
 * It travels as the file SPEC_PATH of a small newc cpio appended to the
 * initramfs (not on the kernel command line: with -M microvm,acpi=off qemu
 * appends its device list there).  The file is a sequence of records
 * "key=value", each ended by a NUL; the first is SPEC_MAGIC.  Keys:
 *
 *   arg=S         one per argument, in order (at least one)
 *   env=NAME=V    one per variable
 *   cwd=/PATH     once
 *   uid=N gid=N   once each, decimal
 *   group=N       one per supplementary group
 *   umask=N       once, octal
 *   hostname=S    at most once
 *   rlimit=T,S,H  RLIMIT_ number, soft, hard (decimal; 2^64-1 = infinity)
 *   mount=N:ro|rw:/DEST  a shared directory: 9p tag SPEC_MOUNT_TAG N (0..),
 *                 mounted on DEST after the rootfs, read-only with ro
 *   rootfs=virtiofs  at most once: the rootfs is a virtiofs (tag
 *                 SPEC_ROOT_TAG), its modules in SPEC_MODULES_VIRTIOFS; else 9p
 *   hold=1        at most once: set the process up, find its executable,
 *                 write "ready\n" on the status port, and exec only when
 *                 the host writes a 0 byte on the signal port (brig create
 *                 then start)
 *
 * vminit refuses anything else: an unknown key, a number with trailing
 * characters, a key given twice that may appear once, a missing record.
 * Both sides are in this project, but the guest trusts the file only as
 * much as it trusts the kernel that unpacked it.
 */
#ifndef BRIG_VM_SPEC_H
#define BRIG_VM_SPEC_H

#define SPEC_PATH "brig/spec"       /* in the cpio: no leading slash */
#define SPEC_MODULES "brig/modules" /* in the base image: one .ko path a line */
#define SPEC_MODULES_VIRTIOFS "brig/modules.virtiofs" /* the same, for rootfs=virtiofs */
#define SPEC_MAGIC "brig-vm-spec=1"

/* Names of the guest's virtio serial ports (virtserialport name=). */
#define PORT_STDOUT "stdout"
#define PORT_STDERR "stderr"
#define PORT_STATUS "status" /* guest -> host: ["ready\n"], then "exit N\n" or "error TEXT\n" */
#define PORT_SIGNAL "signal" /* host -> guest: one byte per signal number; 0 = go (hold=1) */
#define SPEC_READY "ready\n"
#define SPEC_GO 0

/* The 9p mount tag of the container's rootfs. */
#define SPEC_ROOT_TAG "rootfs"
/* ... and of the shared directories: "m0", "m1", ... */
#define SPEC_MOUNT_TAG "m"

#endif
