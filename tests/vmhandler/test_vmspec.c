/* test_vmspec.c - unit tests of the brig-vm request (ipc/vmmsg.c: round
 * trip, every truncation refused, the helper's checks) and of the guest's
 * spec parser (helpers/vm/vminit_spec.c: what it takes, what it refuses).
 * Prints "ok N - name" / "not ok N - name"; exits 1 if anything failed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/vm/spec.h"
#include "helpers/vm/vminit.h"
#include "ipc/codec.h"
#include "ipc/vmmsg.h"
#include "tests/unit/tap.h"

static char *args[] = {"/bin/sh", "-c", "echo hi"};
static char *env[] = {"PATH=/bin", "A=b=c"};
static uint32_t groups[] = {10, 20};
static struct vm_rlimit rl[] = {{7, 100, 200}};

static struct vm_request
sample(void)
{
	return (struct vm_request){.kernel = "/boot/vmlinuz",
	                           .accel = VM_ACCEL_TCG,
	                           .mem_mib = 256,
	                           .cpus = 1,
	                           .hostname = "h1",
	                           .cwd = "/",
	                           .uid = 1000,
	                           .gid = 1000,
	                           .umask = 022,
	                           .n_groups = 2,
	                           .groups = groups,
	                           .n_args = 3,
	                           .args = args,
	                           .n_env = 2,
	                           .env = env,
	                           .n_rlimits = 1,
	                           .rlimits = rl};
}

static int
decode(const struct ipc_writer *w, size_t len, struct vm_request *q, struct brig_err *err)
{
	struct ipc_reader r;

	memset(q, 0, sizeof(*q));
	ipc_reader_init(&r, w->buf, len);
	return vmmsg_decode(&r, q, err);
}

static void
test_roundtrip(void)
{
	struct vm_request in = sample(), out;
	struct ipc_writer w;
	struct brig_err err;
	bool bad = false;

	ipc_writer_init(&w);
	vmmsg_encode(&w, &in);
	ok(!w.failed && decode(&w, w.len, &out, &err) == 0, "request decodes");
	ok(out.cache_dir == NULL && strcmp(out.kernel, "/boot/vmlinuz") == 0 &&
	       strcmp(out.hostname, "h1") == 0 && out.n_args == 3 &&
	       strcmp(out.args[2], "echo hi") == 0 && out.n_env == 2 && out.groups[1] == 20 &&
	       out.rlimits[0].hard == 200 && out.umask == 022,
	   "fields survive the round trip");
	ok(vmmsg_check(&out, &err) == 0, "the sample passes the helper's check");
	vmmsg_free(&out);
	for (size_t len = 0; len < w.len; len++)
		if (decode(&w, len, &out, &err) == 0)
			bad = true;
	ok(!bad, "every truncation is refused");
	ipc_writer_free(&w);
}

static bool
refused(struct vm_request q, const char *want)
{
	struct brig_err err;

	return vmmsg_check(&q, &err) < 0 && strstr(err.msg, want) != NULL;
}

static void
test_check(void)
{
	struct vm_request q;
	char *noeq[] = {"NOEQUALS"};
	char *empty[] = {""};
	struct vm_rlimit twice[] = {{7, 1, 2}, {7, 1, 2}}, inverted[] = {{7, 3, 2}};

	q = sample(), q.kernel = "boot/vmlinuz";
	ok(refused(q, "not an absolute path"), "relative kernel path refused");
	q = sample(), q.kernel = "/boot/a,b";
	ok(refused(q, "','"), "',' in the kernel path refused (qemu option syntax)");
	q = sample(), q.mem_mib = 1;
	ok(refused(q, "memory"), "too little memory refused");
	q = sample(), q.cpus = 0;
	ok(refused(q, "cpus"), "no cpu refused");
	q = sample(), q.accel = 9;
	ok(refused(q, "accel"), "unknown accelerator refused");
	q = sample(), q.umask = 01000;
	ok(refused(q, "umask"), "umask beyond 0777 refused");
	q = sample(), q.uid = UINT32_MAX;
	ok(refused(q, "uid"), "uid -1 refused");
	q = sample(), q.hostname = "a/b";
	ok(refused(q, "hostname"), "bad hostname refused");
	q = sample(), q.cwd = "rel";
	ok(refused(q, "cwd"), "relative cwd refused");
	q = sample(), q.n_args = 1, q.args = empty;
	ok(refused(q, "args"), "empty args[0] refused");
	q = sample(), q.n_env = 1, q.env = noeq;
	ok(refused(q, "env[0]"), "env without '=' refused");
	q = sample(), q.n_rlimits = 2, q.rlimits = twice;
	ok(refused(q, "twice"), "rlimit given twice refused");
	q = sample(), q.rlimits = inverted;
	ok(refused(q, "soft above hard"), "rlimit soft > hard refused");
}

/* Parse the records REC (each NUL-ended, the whole LEN bytes). */
static int
parse(const char *rec, size_t len, struct vmi_spec *s)
{
	static char buf[4096];
	char why[256];

	memcpy(buf, rec, len);
	return vmi_spec_parse(buf, len, s, why, sizeof(why));
}

#define SPEC(lit) lit, sizeof(lit) - 1
#define HEAD SPEC_MAGIC "\0arg=/bin/true\0cwd=/\0uid=0\0gid=0\0umask=22\0"

static void
test_spec(void)
{
	static struct vmi_spec s;

	ok(parse(SPEC(HEAD), &s) == 0 && s.argc == 1 && s.umask == 022 && s.argv[1] == NULL,
	   "minimal spec parses");
	ok(parse(SPEC(HEAD "env=A=b=c\0group=5\0hostname=h\0rlimit=7,1,2\0"), &s) == 0 &&
	       strcmp(s.envp[0], "A=b=c") == 0 && s.groups[0] == 5 && s.rlimits[0].hard == 2 &&
	       strcmp(s.hostname, "h") == 0,
	   "every key parses");
	ok(parse(SPEC("brig-vm-spec=2\0arg=/x\0cwd=/\0uid=0\0gid=0\0umask=0\0"), &s) < 0,
	   "another version refused");
	ok(parse(SPEC(HEAD "bogus=1\0"), &s) < 0, "unknown key refused");
	ok(parse(SPEC(HEAD "uid=1\0"), &s) < 0, "uid twice refused");
	ok(parse(SPEC(HEAD "hostname=a\0hostname=b\0"), &s) < 0, "hostname twice refused");
	ok(parse(SPEC(SPEC_MAGIC "\0arg=/x\0cwd=/\0uid=1x\0gid=0\0umask=0\0"), &s) < 0,
	   "trailing characters in a number refused");
	ok(parse(SPEC(SPEC_MAGIC "\0arg=/x\0cwd=/\0uid=-1\0gid=0\0umask=0\0"), &s) < 0,
	   "a sign refused");
	ok(parse(SPEC(SPEC_MAGIC "\0arg=/x\0cwd=/\0uid=4294967295\0gid=0\0umask=0\0"), &s) < 0,
	   "uid -1 refused");
	ok(parse(SPEC(SPEC_MAGIC "\0arg=/x\0cwd=/\0uid=0\0gid=0\0umask=1000\0"), &s) < 0,
	   "umask beyond 0777 refused");
	ok(parse(SPEC(SPEC_MAGIC "\0cwd=/\0uid=0\0gid=0\0umask=0\0"), &s) < 0, "no arg refused");
	ok(parse(SPEC(SPEC_MAGIC "\0arg=/x\0cwd=rel\0uid=0\0gid=0\0umask=0\0"), &s) < 0,
	   "relative cwd refused");
	ok(parse(SPEC(HEAD "rlimit=7,3,2\0"), &s) < 0, "rlimit soft > hard refused");
	ok(parse(SPEC(HEAD "rlimit=7,3\0"), &s) < 0, "short rlimit refused");
	ok(parse(SPEC(HEAD "env=noequals\0"), &s) < 0, "env without '=' refused");
	ok(parse(HEAD "arg=x", sizeof(HEAD) - 1 + 5, &s) < 0, "a last record without NUL refused");
	ok(parse(SPEC(HEAD "novalue\0"), &s) < 0, "a record without '=' refused");
}

int
main(void)
{
	test_roundtrip();
	test_check();
	test_spec();
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
