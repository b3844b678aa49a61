/* caps.c - the capabilities brig-mount keeps, and when it gives them up.
 *
 * Kept in the effective and permitted sets (the bounding set holds the
 * same minus CAP_SYS_PTRACE; we never exec, so it only documents intent):
 *   CAP_SYS_ADMIN    setns, open_tree, fsopen, move_mount, pivot_root;
 *   CAP_SYS_CHROOT   setns into a mount namespace requires it;
 *   CAP_SYS_PTRACE   setns through a pidfd is a ptrace-read of the init,
 *                    which holds more capabilities than we do; dropped as
 *                    soon as the namespaces are joined;
 *   CAP_MKNOD        device nodes (outside a user namespace);
 *   CAP_CHOWN        device nodes owned by the uid/gid the config names;
 *   CAP_DAC_OVERRIDE create mount points and reach bind sources in
 *                    directories root does not own (it covers search
 *                    permission, so CAP_DAC_READ_SEARCH is not kept).
 * Not kept: CAP_SETUID/SETGID (in a user namespace the ones we get there
 * are enough to become its root), CAP_FOWNER (we chown only nodes we just
 * made, and umask 0 gives them their mode at mknod).  Joining a user
 * namespace gives the full set there, which reaches only what that
 * namespace owns.
 */
#include "helpers/mount/mount.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <unistd.h>

int
mnt_caps_init(bool *had_caps, struct brig_err *err)
{
	capng_get_caps_process();
	*had_caps = capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE;
	if (!*had_caps)
		return 0; /* rootless: all our power is in the container's user namespace */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
	                  CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_MKNOD, CAP_CHOWN, CAP_DAC_OVERRIDE,
	                  -1) != 0 ||
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_SYS_PTRACE) != 0 ||
	    capng_apply(CAPNG_SELECT_BOTH) != 0)
		return brig_err_set(err, EPERM, "cannot drop capabilities");
	return 0;
}

int
mnt_caps_joined(bool userns, struct brig_err *err)
{
	/* In a user namespace our ids are still the host's, unmapped there:
	 * files we create would fail with EOVERFLOW.  Become its root. */
	if (userns) {
		if (setgroups(0, NULL) < 0 && errno != EPERM)
			return brig_err_set(err, errno,
			                    "setgroups in the container's user namespace");
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return brig_err_set(err, errno,
			                    "become root of the container's user namespace");
	}
	capng_get_caps_process();
	if (!capng_have_capability(CAPNG_PERMITTED, CAP_SYS_PTRACE))
		return 0;
	if (capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_SYS_PTRACE) != 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) != 0)
		return brig_err_set(err, EPERM, "drop CAP_SYS_PTRACE");
	return 0;
}
