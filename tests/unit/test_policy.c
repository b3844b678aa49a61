/* test_policy.c - policy/: documents parsed and refused (each message
 * checked), decisions for users, @groups, `*` and numeric ids, first-match
 * order, root, the limits comparison, size/count/cpus parsing, subjects
 * looked up, and (root only, as the checks need root-owned files) the
 * file checks of policy_load.  Account files are the test's own, in a
 * temporary directory removed at the end.  Prints TAP-ish lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "policy/policy.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/brig-test-policy.XXXXXX";
static char passwd[128], group[128];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "we");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	chmod(path, mode);
}

static int
parse(const char *text, struct policy *p, struct brig_err *err)
{
	return policy_parse(text, strlen(text), "policy", passwd, group, p, err);
}

/* TEXT with PATH for both account files. */
static int
parse_with(const char *text, const char *path, struct policy *p, struct brig_err *err)
{
	return policy_parse(text, strlen(text), "policy", path, path, p, err);
}

/* ---- documents ---- */

static const char good[] =
    "# user or @group   action        limits\n"
    "\n"
    "allow @brig        net.veth      bridge=brig0 max=10\n"
    "   # an indented comment\n"
    "allow alice\tcgroup.limit  root=/sys/fs/cgroup/brig-users memory=256M # why\n"
    "deny  1001         *\n"
    "allow @100 cgroup.limit cpus=1.5 pids=100 max=2\n"
    "allow *            net.veth      bridge=br#1";

static void
test_good(void)
{
	struct policy p;
	struct brig_err err;
	const struct policy_rule *r;

	if (parse(good, &p, &err) < 0) {
		printf("# %s\n", err.msg);
		ok(false, "good document parses");
		return;
	}
	ok(p.nrules == 5, "good document: 5 rules");
	r = &p.rules[0];
	ok(r->allow && r->kind == POLICY_GROUP && r->id == 2000 && r->line == 3 &&
	       strcmp(r->action, "net.veth") == 0 && r->nlimits == 2,
	   "@brig net.veth: group 2000, line 3, 2 limits");
	ok(strcmp(r->text, "allow @brig net.veth bridge=brig0 max=10") == 0,
	   "text: fields by one space");
	ok(strcmp(policy_limit(r, "bridge"), "brig0") == 0 &&
	       strcmp(policy_limit(r, "max"), "10") == 0 && policy_limit(r, "memory") == NULL,
	   "policy_limit");
	r = &p.rules[1];
	ok(r->kind == POLICY_USER && r->id == 1000 && r->line == 5 &&
	       strcmp(r->text,
	              "allow alice cgroup.limit root=/sys/fs/cgroup/brig-users memory=256M") == 0,
	   "alice: uid 1000, trailing comment dropped");
	r = &p.rules[2];
	ok(!r->allow && r->kind == POLICY_USER && r->id == 1001 && strcmp(r->action, "*") == 0,
	   "deny numeric uid, any action");
	ok(p.rules[3].kind == POLICY_GROUP && p.rules[3].id == 100, "@100: numeric gid");
	r = &p.rules[4];
	ok(r->kind == POLICY_ANY && strcmp(policy_limit(r, "bridge"), "br#1") == 0,
	   "* subject; '#' inside a field is not a comment");
	ok(strcmp(p.path, "policy") == 0, "path kept");
	policy_free(&p);
	ok(parse("", &p, &err) == 0 && p.nrules == 0, "empty document: no rules");
	policy_free(&p);
	ok(parse("\n\n# only\n\t\n", &p, &err) == 0 && p.nrules == 0, "comments and blanks only");
	policy_free(&p);
}

struct bad {
	const char *text;
	const char *msg;
};

static const struct bad bad[] = {
    {"allow bob2 net.veth\n", "policy:1: unknown user \"bob2\""},
    {"\nallow @nope net.veth\n", "policy:2: unknown group \"nope\""},
    {"allow @ net.veth\n", "policy:1: no group name after \"@\""},
    {"permit alice net.veth\n", "policy:1: expected \"allow\" or \"deny\", not \"permit\""},
    {"allow\n", "policy:1: missing the subject (allow|deny SUBJECT ACTION [key=value ...])"},
    {"allow alice\n", "policy:1: missing the action (allow|deny SUBJECT ACTION [key=value ...])"},
    {"allow alice Net.Veth\n", "policy:1: bad action \"Net.Veth\" (dotted lower-case names, or *)"},
    {"allow alice net..veth\n",
     "policy:1: bad action \"net..veth\" (dotted lower-case names, or *)"},
    {"allow alice net.vet\n",
     "policy:1: unknown action \"net.vet\" (known: cgroup.limit, net.veth)"},
    {"allow alice net.veth max\n", "policy:1: limit \"max\" is not key=value"},
    {"allow alice net.veth =3\n",
     "policy:1: bad limit key in \"=3\" (lower-case letters, digits, _ and -)"},
    {"allow alice net.veth Max=3\n",
     "policy:1: bad limit key in \"Max=3\" (lower-case letters, digits, _ and -)"},
    {"allow alice net.veth max=\n", "policy:1: limit \"max=\" has no value"},
    {"allow alice net.veth max=1 max=2\n", "policy:1: duplicate limit \"max\""},
    {"allow alice cgroup.limit memroy=1G\n",
     "policy:1: unknown limit \"memroy\" for cgroup.limit (known: root memory pids cpus max)"},
    {"allow alice * foo=1\n",
     "policy:1: unknown limit \"foo\" for any action (known: root memory pids cpus max bridge)"},
    {"allow alice cgroup.limit memory=1X\n",
     "policy:1: memory=1X: not a size (bytes, or a number with K, M, G or T)"},
    {"allow alice cgroup.limit cpus=1.2345\n",
     "policy:1: cpus=1.2345: not a number of CPUs (at most 3 decimals)"},
    {"allow alice cgroup.limit root=/a/../b\n",
     "policy:1: root=/a/../b: not an absolute path without \".\", \"..\" or \"//\""},
    {"allow alice cgroup.limit root=rel\n",
     "policy:1: root=rel: not an absolute path without \".\", \"..\" or \"//\""},
    {"allow alice net.veth bridge=averyveryverylongname\n",
     "policy:1: bridge=averyveryverylongname: not an interface name (1 to 15 bytes, no '/' or "
     "':')"},
    {"allow alice net.veth max=-1\n", "policy:1: max=-1: not a number"},
    {"deny alice net.veth max=1\n", "policy:1: a deny line takes no limits (\"max=1\")"},
    {"allow 4294967295 net.veth\n", "policy:1: uid 4294967295 out of range"},
    {"allow @99999999999 net.veth\n", "policy:1: gid 99999999999 out of range"},
    {"allow alice net.veth\r\n", "policy:1: control character 0x0d"},
    {"allow alice net.veth a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 "
     "o=15 p=16 q=17\n",
     "policy:1: more than 16 limits"},
};

static void
test_bad(void)
{
	struct policy p;
	struct brig_err err;
	char name[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(bad[i].text, &p, &err);
		bool good_msg = ret < 0 && strcmp(err.msg, bad[i].msg) == 0;
		if (!good_msg)
			printf("# got \"%s\"\n", ret < 0 ? err.msg : "(parsed)");
		snprintf(name, sizeof(name), "refused: %s", bad[i].msg);
		ok(good_msg && p.nrules == 0 && p.rules == NULL, name);
		if (ret == 0)
			policy_free(&p);
	}
}

static void
test_bad_bytes(void)
{
	static const char nul[] = "allow alice net.veth\n# x\0y\n";
	struct policy p;
	struct brig_err err;
	char *big;
	size_t n;

	ok(policy_parse(nul, sizeof(nul) - 1, "policy", passwd, group, &p, &err) < 0 &&
	       strcmp(err.msg, "policy:2: NUL byte") == 0 && err.errnum == EINVAL,
	   "NUL byte refused with its line");
	big = xmalloc(POLICY_MAX_SIZE + 2);
	memset(big, '#', 5000);
	big[5000] = '\n';
	ok(policy_parse(big, 5001, "policy", passwd, group, &p, &err) < 0 &&
	       strcmp(err.msg, "policy:1: line longer than 4096 bytes") == 0,
	   "line of 5000 bytes refused");
	memset(big, '#', 4096);
	ok(policy_parse(big, 4096, "policy", passwd, group, &p, &err) == 0,
	   "line of 4096 bytes taken");
	policy_free(&p);
	for (n = 0; n + 10 <= POLICY_MAX_SIZE + 1; n += 10)
		memcpy(big + n, "# 1234567\n", 10);
	memset(big + n, '\n', POLICY_MAX_SIZE + 1 - n);
	ok(policy_parse(big, POLICY_MAX_SIZE + 1, "policy", passwd, group, &p, &err) < 0 &&
	       strcmp(err.msg, "policy: larger than 262144 bytes") == 0 && err.errnum == EFBIG,
	   "document over POLICY_MAX_SIZE refused");
	ok(policy_parse(big, POLICY_MAX_SIZE, "policy", passwd, group, &p, &err) == 0,
	   "document of POLICY_MAX_SIZE taken");
	policy_free(&p);
	free(big);
	ok(parse_with("allow ghost net.veth", "/nonexistent/passwd", &p, &err) < 0 &&
	       strcmp(err.msg, "policy:1: /nonexistent/passwd: No such file or directory") == 0 &&
	       err.errnum != ENOENT,
	   "missing passwd file: error, never mistaken for a missing policy");
	ok(parse_with("allow 5 net.veth\nallow @7 *", "/nonexistent", &p, &err) == 0,
	   "numeric ids need no account files");
	policy_free(&p);
}

/* ---- decisions ---- */

static const gid_t carol_groups[] = {100, 2000};

static const char *
decide(const struct policy *p, uid_t uid, gid_t gid, const gid_t *groups, size_t n,
       const char *action)
{
	struct policy_subject s = {.uid = uid, .gid = gid, .groups = groups, .ngroups = n};
	struct policy_decision d;
	static char out[128];

	policy_decide(p, &s, action, &d);
	snprintf(out, sizeof(out), "%s %u", d.allow ? "allow" : "deny", d.rule ? d.rule->line : 0);
	return out;
}

static void
test_decide(void)
{
	struct policy p;
	struct brig_err err;

	if (parse(good, &p, &err) < 0) {
		ok(false, "decisions: good document parses");
		return;
	}
	ok(strcmp(decide(&p, 0, 0, NULL, 0, "net.veth"), "allow 0") == 0, "root: allow, no rule");
	ok(strcmp(decide(&p, 1000, 1000, NULL, 0, "cgroup.limit"), "allow 5") == 0,
	   "alice by name");
	ok(strcmp(decide(&p, 1000, 1000, NULL, 0, "net.veth"), "allow 8") == 0,
	   "alice net.veth: the * line");
	ok(strcmp(decide(&p, 1001, 1001, carol_groups + 1, 1, "net.veth"), "allow 3") == 0,
	   "@brig before deny 1001: first match wins");
	ok(strcmp(decide(&p, 1001, 1001, NULL, 0, "net.veth"), "deny 6") == 0,
	   "deny 1001 (numeric) for any action");
	ok(strcmp(decide(&p, 1001, 1001, NULL, 0, "cgroup.limit"), "deny 6") == 0, "deny 1001 *");
	ok(strcmp(decide(&p, 1002, 100, carol_groups, 2, "cgroup.limit"), "allow 7") == 0,
	   "@100 by primary gid");
	ok(strcmp(decide(&p, 1003, 5, carol_groups, 1, "cgroup.limit"), "allow 7") == 0,
	   "@100 by supplementary group");
	ok(strcmp(decide(&p, 1002, 2000, NULL, 0, "net.veth"), "allow 3") == 0,
	   "@brig by primary gid");
	ok(strcmp(decide(&p, 1004, 5, NULL, 0, "cgroup.limit"), "deny 0") == 0,
	   "no match: default deny");
	ok(strcmp(decide(&p, 1004, 5, NULL, 0, "other.thing"), "deny 0") == 0,
	   "unknown action: deny");
	ok(strcmp(decide(NULL, 1004, 5, NULL, 0, "net.veth"), "deny 0") == 0, "no policy: deny");
	ok(strcmp(decide(NULL, 0, 0, NULL, 0, "net.veth"), "allow 0") == 0,
	   "no policy, root: allow");
	policy_free(&p);
}

/* ---- limits ---- */

static int
check(const struct policy_rule *r, const char *a, const char *b, char *why, size_t len)
{
	const char *kv[2] = {a, b};
	return policy_check_limits(r, kv, b != NULL ? 2 : (a != NULL ? 1 : 0), why, len);
}

static void
test_limits(void)
{
	struct policy p;
	struct brig_err err;
	char why[256];
	uint64_t v = 0;

	ok(policy_parse_size("4096", &v) == 0 && v == 4096, "size 4096");
	ok(policy_parse_size("256M", &v) == 0 && v == 256ull << 20, "size 256M");
	ok(policy_parse_size("1G", &v) == 0 && v == 1ull << 30, "size 1G");
	ok(policy_parse_size("3k", &v) == 0 && v == 3072, "size 3k");
	ok(policy_parse_size("2T", &v) == 0 && v == 2ull << 40, "size 2T");
	ok(policy_parse_size("", &v) < 0 && errno == EINVAL, "size empty refused");
	ok(policy_parse_size("-1", &v) < 0 && policy_parse_size("+1", &v) < 0 &&
	       policy_parse_size("1MB", &v) < 0 && policy_parse_size("M", &v) < 0 &&
	       policy_parse_size(" 1", &v) < 0,
	   "size: sign, suffix B, bare suffix, space refused");
	ok(policy_parse_size("18446744073709551615", &v) == 0 && v == UINT64_MAX,
	   "size UINT64_MAX");
	ok(policy_parse_size("18446744073709551616", &v) < 0 && errno == ERANGE, "size overflow");
	ok(policy_parse_size("17179869184G", &v) < 0 && errno == ERANGE, "size overflow by suffix");
	ok(policy_parse_cpus("1.5", &v) == 0 && v == 1500, "cpus 1.5");
	ok(policy_parse_cpus("2", &v) == 0 && v == 2000, "cpus 2");
	ok(policy_parse_cpus("0.125", &v) == 0 && v == 125, "cpus 0.125");
	ok(policy_parse_cpus("1.", &v) < 0 && policy_parse_cpus(".5", &v) < 0,
	   "cpus 1. and .5 refused");
	ok(policy_parse_count("10", &v) == 0 && v == 10 && policy_parse_count("1k", &v) < 0,
	   "count");

	if (parse(good, &p, &err) < 0) {
		ok(false, "limits: good document parses");
		return;
	}
	const struct policy_rule *veth = &p.rules[0], *cg = &p.rules[1], *cg2 = &p.rules[3];
	ok(check(veth, NULL, NULL, why, sizeof(why)) == 0, "nothing asked: within");
	ok(check(veth, "bridge=brig0", "max=10", why, sizeof(why)) == 0,
	   "bridge equal, max at limit");
	ok(check(veth, "max=11", NULL, why, sizeof(why)) == 1 &&
	       strcmp(why, "max=11 exceeds the limit max=10") == 0,
	   "max over the limit");
	ok(check(veth, "bridge=br1", NULL, why, sizeof(why)) == 1 &&
	       strcmp(why, "bridge=br1 is not the allowed bridge=brig0") == 0,
	   "other bridge");
	ok(check(cg, "memory=512M", NULL, why, sizeof(why)) == 1 &&
	       strcmp(why, "memory=512M exceeds the limit memory=256M") == 0,
	   "memory over the limit");
	ok(check(cg, "memory=268435456", "pids=100000", why, sizeof(why)) == 0,
	   "memory at the limit in bytes; pids not limited by this rule");
	ok(check(cg, "root=/sys/fs/cgroup/brig-users/x", NULL, why, sizeof(why)) == 1,
	   "root must be equal");
	ok(check(cg2, "cpus=1.5", "pids=100", why, sizeof(why)) == 0, "cpus and pids at the limit");
	ok(check(cg2, "cpus=1.501", NULL, why, sizeof(why)) == 1 &&
	       strcmp(why, "cpus=1.501 exceeds the limit cpus=1.5") == 0,
	   "cpus over");
	ok(check(cg, "memory=lots", NULL, why, sizeof(why)) == -1 &&
	       strcmp(why, "memory=lots: not a size (bytes, or a number with K, M, G or T)") == 0,
	   "malformed asked value");
	ok(check(veth, "memory=1G", NULL, why, sizeof(why)) == -1 &&
	       strcmp(why, "unknown limit \"memory\" for net.veth (known: bridge max)") == 0,
	   "key unknown for the action");
	ok(check(veth, "max=11", "bridge", why, sizeof(why)) == -1 &&
	       strcmp(why, "\"bridge\" is not key=value") == 0,
	   "a malformed item is reported before an exceeded limit");
	policy_free(&p);
}

/* ---- subjects ---- */

static void
test_subject(void)
{
	struct policy_subject s;
	struct brig_err err;

	ok(policy_subject_lookup("carol", passwd, group, &s, &err) == 0 && s.uid == 1002 &&
	       s.gid == 100 && s.ngroups == 2 && s.groups[0] == 100 && s.groups[1] == 2000,
	   "carol: uid, primary gid, member of brig");
	policy_subject_free(&s);
	ok(policy_subject_lookup("1001", passwd, group, &s, &err) == 0 && s.uid == 1001 &&
	       s.gid == 1001 && s.ngroups == 2,
	   "numeric uid with an account");
	policy_subject_free(&s);
	ok(policy_subject_lookup("4242", passwd, group, &s, &err) == 0 && s.uid == 4242 &&
	       s.gid == (gid_t) -1 && s.ngroups == 0,
	   "numeric uid without an account: no groups");
	policy_subject_free(&s);
	ok(policy_subject_lookup("zed", passwd, group, &s, &err) < 0 &&
	       strstr(err.msg, "unknown user \"zed\"") != NULL,
	   "unknown user name");
}

/* ---- policy_load (root: the files must be root-owned) ---- */

static int
load(const char *path, struct brig_err *err)
{
	struct policy p;
	int ret = policy_load(path, passwd, group, &p, err);
	if (ret == 0)
		policy_free(&p);
	return ret;
}

static void
test_load(void)
{
	char sub[160], file[200], msg[400], other[200];
	struct brig_err err;

	snprintf(sub, sizeof(sub), "%s/etc", dir);
	mkdir(sub, 0755);
	snprintf(file, sizeof(file), "%s/policy", sub);
	write_file(file, good, 0644);
	ok(load(file, &err) == 0, "root-owned 0644 file in a root-owned 0755 directory loads");
	chmod(file, 0664);
	snprintf(msg, sizeof(msg), "%s: writable by group or others (mode 0664): refused", file);
	ok(load(file, &err) < 0 && strcmp(err.msg, msg) == 0 && err.errnum == EPERM,
	   "group-writable file refused");
	chmod(file, 0646);
	ok(load(file, &err) < 0 && strstr(err.msg, "(mode 0646): refused") != NULL,
	   "other-writable file refused");
	chmod(file, 0600);
	ok(load(file, &err) == 0, "mode 0600 loads");
	if (chown(file, 1000, 0) == 0) {
		snprintf(msg, sizeof(msg), "%s: owned by uid 1000, not root: refused", file);
		ok(load(file, &err) < 0 && strcmp(err.msg, msg) == 0,
		   "file owned by uid 1000 refused");
		chown(file, 0, 0);
	}
	chmod(sub, 0775);
	snprintf(msg, sizeof(msg), "directory %s: writable by group or others (mode 0775): refused",
	         sub);
	ok(load(file, &err) < 0 && strcmp(err.msg, msg) == 0, "group-writable directory refused");
	chmod(sub, 0755);
	snprintf(other, sizeof(other), "%s/link", sub);
	symlink("policy", other);
	snprintf(msg, sizeof(msg), "%s: a symbolic link: refused", other);
	ok(load(other, &err) < 0 && strcmp(err.msg, msg) == 0 && err.errnum == ELOOP,
	   "symlinked file refused");
	unlink(other);
	snprintf(other, sizeof(other), "%s/linkdir", dir);
	symlink("etc", other);
	snprintf(other, sizeof(other), "%s/linkdir/policy", dir);
	ok(load(other, &err) < 0 &&
	       strstr(err.msg, "not a directory (or a symbolic link): refused"),
	   "symlinked directory refused");
	snprintf(other, sizeof(other), "%s/fifo", sub);
	mkfifo(other, 0644);
	snprintf(msg, sizeof(msg), "%s: not a regular file: refused", other);
	ok(load(other, &err) < 0 && strcmp(err.msg, msg) == 0, "FIFO refused (without blocking)");
	unlink(other);
	ok(load(sub, &err) < 0, "a directory as the file refused");
	snprintf(other, sizeof(other), "%s/missing", sub);
	ok(load(other, &err) < 0 && err.errnum == ENOENT, "missing file: ENOENT");
	snprintf(other, sizeof(other), "%s/nodir/policy", dir);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", other);
	ok(load(other, &err) < 0 && err.errnum == ENOENT && strcmp(err.msg, msg) == 0,
	   "missing directory: ENOENT naming the file");
	write_file(file, "allow nobody-here net.veth\n", 0644);
	snprintf(msg, sizeof(msg), "%s:1: unknown user \"nobody-here\"", file);
	ok(load(file, &err) < 0 && strcmp(err.msg, msg) == 0,
	   "parse error names the file and line");
	unlink(file);
	snprintf(other, sizeof(other), "%s/linkdir", dir);
	unlink(other);
	rmdir(sub);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	chmod(dir, 0755);
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	snprintf(group, sizeof(group), "%s/group", dir);
	write_file(passwd,
	           "root:x:0:0:root:/root:/bin/sh\n"
	           "alice:x:1000:1000::/home/alice:/bin/sh\n"
	           "bob:x:1001:1001::/home/bob:/bin/sh\n"
	           "carol:x:1002:100::/home/carol:/bin/sh\n"
	           "alice:x:1999:1999:a second alice, never used:/:/bin/sh\n",
	           0644);
	write_file(group,
	           "root:x:0:\nalice:x:1000:\nbob:x:1001:\nusers:x:100:\nbrig:x:2000:bob,carol\n",
	           0644);
	test_good();
	test_bad();
	test_bad_bytes();
	test_decide();
	test_limits();
	test_subject();
	if (geteuid() == 0)
		test_load();
	else
		printf("# policy_load checks skipped: they need root-owned files\n");
	unlink(passwd);
	unlink(group);
	rmdir(dir);
	printf("1..%u\n", t_count);
	return t_failed ? 1 : 0;
}
