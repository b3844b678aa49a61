/* caps.c - the capabilities brig-cgroup keeps.
 *
 * Kept in the effective, permitted and bounding sets:
 *   CAP_DAC_OVERRIDE  write cgroup files and make cgroup directories that
 *                     root does not own (a cgroup delegated to a user);
 *   CAP_SYS_ADMIN     load a BPF_CGROUP_DEVICE program (bpf_capable() on
 *                     kernels without CAP_BPF) and query, attach and
 *                     detach programs on a cgroup;
 *   CAP_BPF           the same on kernels that know it;
 *   CAP_NET_ADMIN     older kernels ask it of BPF_PROG_ATTACH;
 *   CAP_KILL          IPC_CGROUP_KILL signals processes of any uid;
 *   CAP_SYS_NICE      moving a task into a v1 cpuset is a setscheduler
 *                     check (cap_task_setscheduler): without it, a target
 *                     holding capabilities we lack gets EPERM.
 * Not kept: CAP_SYS_PTRACE (the pidfd is read through our own
 * /proc/self/fdinfo, no access to the target is needed), CAP_FOWNER,
 * CAP_CHOWN, CAP_SETUID (nothing is chowned or changes hands; a file-capability
 * install uses CAP_SETUID once, for setfsuid(0), before the drop).  Moving a process into a cgroup
 * needs euid 0 (v1) or write access to cgroup.procs (v2), not a capability.
 */
#include "helpers/cgroup/cgroup.h"

#include <cap-ng.h>
#include <errno.h>
#include <unistd.h>

#include "ipc/helper.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

int
cg_caps_init(struct brig_err *err)
{
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0; /* nothing to drop; requests fail with EPERM */
	if (helper_own_files_as_root(err) < 0)
		return -1;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
	                  CAP_DAC_OVERRIDE, CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_KILL, CAP_SYS_NICE,
	                  -1) != 0)
		return brig_err_set(err, EPERM, "cannot drop capabilities");
	/* CAP_BPF: a libcap-ng that does not know it refuses; CAP_SYS_ADMIN
	 * covers the same operations then. */
	(void) capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
	                    CAP_BPF);
	if (capng_apply(CAPNG_SELECT_BOTH) != 0)
		return brig_err_set(err, EPERM, "cannot drop capabilities");
	return 0;
}
