/* fuzz_vmmsg.c - libFuzzer target for brig-vm's request (ipc/vmmsg.c:
 * decode and the helper's check) and for the guest's spec parser
 * (helpers/vm/vminit_spec.c), the two places VM input is read.
 *
 * Input: byte 0 even: a START/CREATE payload; odd: a spec file.  Beyond
 * "no crash": a decoded request encodes back to exactly the input bytes
 * (the encoding is canonical), a checked request has absolute paths and
 * ranges within the limits, and a parsed spec has its required records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/vm/vminit.h"
#include "ipc/codec.h"
#include "ipc/vmmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_request(const uint8_t *p, size_t n)
{
	struct vm_request q;
	struct ipc_reader r;
	struct ipc_writer w;
	struct brig_err err;

	memset(&q, 0, sizeof(q));
	ipc_reader_init(&r, p, n);
	if (vmmsg_decode(&r, &q, &err) < 0)
		return;
	ipc_writer_init(&w);
	vmmsg_encode(&w, &q);
	if (w.failed || w.len != n || memcmp(w.buf, p, n) != 0)
		abort();
	ipc_writer_free(&w);
	if (vmmsg_check(&q, &err) == 0) {
		if (q.kernel[0] != '/' || q.cwd[0] != '/' || q.n_args == 0 ||
		    q.mem_mib < VMMSG_MEM_MIN || q.cpus < 1 || q.cpus > VMMSG_CPUS_MAX)
			abort();
		for (uint32_t i = 0; i < q.n_mounts; i++)
			if (q.mounts[i].source[0] != '/' || q.mounts[i].dest[0] != '/')
				abort();
	}
	vmmsg_free(&q);
}

static void
fuzz_spec(const uint8_t *p, size_t n)
{
	struct vmi_spec s;
	char *buf = malloc(n ? n : 1), why[256];

	if (buf == NULL)
		return;
	memcpy(buf, p, n);
	if (vmi_spec_parse(buf, n, &s, why, sizeof(why)) == 0) {
		if (s.argc == 0 || s.argv[s.argc] != NULL || s.cwd == NULL || s.cwd[0] != '/')
			abort();
		for (size_t i = 0; i < s.nmounts; i++)
			if (s.mounts[i].dest[0] != '/' || s.mounts[i].index >= VMI_MAX_MOUNTS)
				abort();
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		fuzz_request(data + 1, size - 1);
	else
		fuzz_spec(data + 1, size - 1);
	return 0;
}
