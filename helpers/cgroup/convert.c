/* convert.c - the cgroup v1 -> v2 value conversions of runc (libcontainer/
 * cgroups/utils.go), so that a config gives the same numbers under brig as
 * under runc and crun.
 */
#include "helpers/cgroup/cgroup.h"

#include <errno.h>
#include <string.h>

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000]: runc's
 * ConvertCPUSharesToCgroupV2Value (1024 -> 39). */
uint64_t
cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* blkio.weight [10, 1000] -> io.weight [1, 10000]: runc's
 * ConvertBlkIOToIOWeightValue (500 -> 4950). */
uint64_t
cg_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + (weight - 10) * 9999 / 990;
}

/* runc's ConvertMemorySwapToCgroupV2Value: v1 memory.memsw is memory plus
 * swap, v2 memory.swap.max is swap alone.  -1 is "max", 0 "unset". */
int
cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out)
{
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (limit == 0 || limit == -1 || limit < 0) {
		errno = EINVAL;
		return -1; /* a swap limit needs a memory limit */
	}
	if (swap < limit) {
		errno = ERANGE;
		return -1; /* memory+swap below memory */
	}
	*out = swap - limit;
	return 0;
}

/* A hugetlb page size as the kernel names its files: digits then KB, MB
 * or GB ("2MB", "1GB", "64KB"). */
bool
cg_pagesize_ok(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || digits > 8)
		return false;
	return strcmp(s + digits, "KB") == 0 || strcmp(s + digits, "MB") == 0 ||
	       strcmp(s + digits, "GB") == 0;
}
