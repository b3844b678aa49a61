/* nonss.c - no name service in static brig-net (as helpers/mount/nonss.c).
 *
 * libnl refers to getaddrinfo (nl_addr_info) and getprotoby* (printing
 * objects), none of which brig-net calls; linked statically, glibc's
 * versions would load NSS modules at run time.  These take their place:
 * a privileged helper never dlopens what /etc/nsswitch.conf names.
 */
#include <errno.h>
#include <netdb.h>
#include <stddef.h>

int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
	    struct addrinfo **res)
{
	(void) node;
	(void) service;
	(void) hints;
	*res = NULL;
	return EAI_SYSTEM;
}

void
freeaddrinfo(struct addrinfo *res)
{
	(void) res;
}

struct protoent *
getprotobynumber(int proto)
{
	(void) proto;
	errno = ENOSYS;
	return NULL;
}

struct protoent *
getprotobyname(const char *name)
{
	(void) name;
	errno = ENOSYS;
	return NULL;
}
