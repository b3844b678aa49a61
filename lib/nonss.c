/* nonss.c - no name service in a static brig or helper.
 *
 * libcap-ng's capng_change_id() (which neither brig nor a helper calls)
 * refers to getpwuid and initgroups; linked statically, glibc's versions
 * would load NSS modules at run time (and ld warns about it).  These
 * definitions take their place, in every statically linked program of
 * ours (lib/meson.build: nonss_c): a privileged helper must never dlopen
 * anything from the host's /etc/nsswitch.conf, and now none can.  brig's
 * own lookups read the files themselves (list: /etc/passwd).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>

struct passwd *
getpwuid(uid_t uid)
{
	(void) uid;
	errno = ENOSYS;
	return NULL;
}

int
initgroups(const char *user, gid_t group)
{
	(void) user;
	(void) group;
	errno = ENOSYS;
	return -1;
}
