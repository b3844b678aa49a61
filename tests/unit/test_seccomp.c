/* test_seccomp.c - unit tests of the seccomp pieces: SHA-256 (FIPS 180-4
 * vectors), the brig-seccomp message codec, and, with BRIG_HELPER_DIR set,
 * a profile compiled by the helper and installed in a forked child, the
 * compile cache (hit, truncated entry, wrong hash), and the listener
 * message sent to listenerPath.
 * Prints "ok N - name" / "not ok N - name"; exits 1 if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "front/seccomp.h"
#include "front/seccomp_cache.h"
#include "front/state.h"
#include "ipc/seccompmsg.h"
#include "lib/sha256.h"
#include "tests/unit/tap.h"

/* ---- what front/seccomp.c needs from the rest of the front ---- */

void
brig_log_debugf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# debug: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

int
state_root_open(const char *root, bool create, struct brig_err *err)
{
	int fd;

	if (create)
		mkdir(root, 0700);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return brig_err_set(err, errno, "state root %s", root);
	return fd;
}

/* ---- SHA-256 ---- */

static bool
sha_is(const void *data, size_t len, const char *hex)
{
	uint8_t d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];

	sha256(data, len, d);
	sha256_hex(d, h);
	return strcmp(h, hex) == 0;
}

static void
test_sha256(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char four_blocks[] =
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char *million = malloc(1000000);
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];

	ok(sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	   "sha256 \"abc\"");
	ok(sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	   "sha256 empty");
	ok(sha_is(two_blocks, strlen(two_blocks),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
	   "sha256 448-bit message");
	ok(sha_is(four_blocks, strlen(four_blocks),
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
	   "sha256 896-bit message");
	memset(million, 'a', 1000000);
	ok(sha_is(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
	   "sha256 one million 'a'");
	/* The same in odd-sized pieces: the block buffering is right. */
	sha256_init(&s);
	for (size_t off = 0; off < 1000000; off += 997)
		sha256_update(&s, million + off, off + 997 > 1000000 ? 1000000 - off : 997);
	sha256_final(&s, d);
	sha256_hex(d, h);
	ok(strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
	   "sha256 incremental");
	free(million);
}

/* ---- codec ---- */

static void
test_codec(void)
{
	char *names[] = {"getppid", "getpriority"};
	char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
	struct sc_arg args[] = {{0, SCMP_CMP_EQ, 2, 0}, {1, SCMP_CMP_MASKED_EQ, 0xff, 3}};
	struct sc_rule rule = {2, names, SCMP_ACT_ERRNO(0), 1, 42, 2, args};
	struct sc_profile p = {SCMP_ACT_ALLOW, 0, 0, SCF_LOG, 2, arches, 1, &rule};
	struct sc_profile q = {0};
	struct ipc_writer w, w2;
	struct ipc_reader r;
	struct brig_err err;
	uint8_t *junk;

	ok(scmsg_action_known(SCMP_ACT_KILL_PROCESS) && scmsg_action_known(SCMP_ACT_KILL_THREAD) &&
	       scmsg_action_known(SCMP_ACT_TRAP) && scmsg_action_known(SCMP_ACT_ERRNO(0)) &&
	       scmsg_action_known(SCMP_ACT_TRACE(0)) && scmsg_action_known(SCMP_ACT_LOG) &&
	       scmsg_action_known(SCMP_ACT_ALLOW) && scmsg_action_known(SCMP_ACT_NOTIFY) &&
	       !scmsg_action_known(SCMP_ACT_ERRNO(1)),
	   "codec knows libseccomp's action values");
	ipc_writer_init(&w);
	scmsg_encode(&w, &p);
	ipc_reader_init(&r, w.buf, w.len);
	ok(scmsg_decode(&r, &q, &err) == 0 && scmsg_check(&q, &err) == 0, "profile round trip");
	ipc_writer_init(&w2);
	scmsg_encode(&w2, &q);
	ok(w2.len == w.len && memcmp(w.buf, w2.buf, w.len) == 0 && q.rules[0].args[1].value_two == 3,
	   "profile decodes to what was encoded");
	ipc_writer_free(&w2);
	scmsg_free(&q);
	/* Trailing bytes and every truncation are refused. */
	junk = malloc(w.len + 1);
	memcpy(junk, w.buf, w.len);
	junk[w.len] = 0;
	ipc_reader_init(&r, junk, w.len + 1);
	ok(scmsg_decode(&r, &q, &err) < 0, "trailing byte refused");
	bool all = true;
	for (size_t n = 0; n < w.len; n++) {
		memset(&q, 0, sizeof(q));
		ipc_reader_init(&r, junk, n);
		if (scmsg_decode(&r, &q, &err) == 0)
			all = false;
	}
	ok(all, "every truncation refused");
	free(junk);
	ipc_writer_free(&w);
	rule.action = 12345;
	ok(scmsg_check(&p, &err) < 0 && strstr(err.msg, "syscalls[0].action") != NULL,
	   "check refuses an unknown action");
	rule.action = SCMP_ACT_ERRNO(0);
	args[0].op = 9;
	ok(scmsg_check(&p, &err) < 0, "check refuses an unknown operator");
	args[0].op = SCMP_CMP_EQ;
	names[0] = "get/ppid";
	ok(scmsg_check(&p, &err) < 0, "check refuses a strange syscall name");
	names[0] = "getppid";
}

/* ---- end to end, through brig-seccomp ---- */

static const char doc[] =
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
    "\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"},"
    "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
    " \"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
    " \"syscalls\":["
    "  {\"names\":[\"getppid\",\"no_such_syscall_at_all\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33},"
    "  {\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\","
    "   \"args\":[{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
    "  {\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,"
    "   \"args\":[{\"index\":0,\"value\":1000,\"op\":\"SCMP_CMP_GT\"}]}"
    "]}}}";

/* In a child: install, then probe.  Exit status: 0 all as expected, else
 * the number of the failed probe. */
static int
child_probe(const struct seccomp_prog *prog, const struct cfg_seccomp *sc)
{
	struct brig_err err;
	int lfd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(prog, sc, &lfd, &err) < 0)
		return 10;
	errno = 0;
	if (syscall(SYS_getppid) != -1 || errno != 33)
		return 1;
	errno = 0;
	if (getpriority(PRIO_USER, 0) != -1 || errno != EPERM)
		return 2;
	errno = 0;
	getpriority(PRIO_PROCESS, 0);
	if (errno != 0)
		return 3;
	if (getpgid(1001) != -1 || errno != 7)
		return 4;
	if (getpgid(0) < 0)
		return 5;
	return 0;
}

static int
run_child(const struct seccomp_prog *prog, const struct cfg_seccomp *sc)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_probe(prog, sc));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char cache_file[1024];

static int
find_cache_file(const char *root)
{
	char dir[256], name[256];
	FILE *f;
	char cmd[600];

	snprintf(dir, sizeof(dir), "%s/" SCCACHE_DIR, root);
	snprintf(cmd, sizeof(cmd), "ls %s | head -1", dir);
	f = popen(cmd, "r");
	if (f == NULL || fgets(name, sizeof(name), f) == NULL) {
		if (f)
			pclose(f);
		return -1;
	}
	pclose(f);
	name[strcspn(name, "\n")] = '\0';
	snprintf(cache_file, sizeof(cache_file), "%s/%s", dir, name);
	return 0;
}

static void
test_compile(const char *helper_dir)
{
	char root[] = "/tmp/brig-test-seccomp.XXXXXX";
	struct brig_global g = {.debug = true};
	struct seccomp_prog prog;
	struct config *cfg = NULL;
	struct brig_err err;
	struct stat st;
	int fd, rc;

	if (mkdtemp(root) == NULL || config_parse(doc, strlen(doc), &cfg, &err) < 0) {
		ok(false, "parse the test profile");
		return;
	}
	g.root = root;
	g.helper_dir = helper_dir;
	rc = seccomp_program_for(&g, &cfg->linux.seccomp, &prog, &err);
	ok(rc == 0 && prog.len > 0, "brig-seccomp compiles the profile");
	if (rc < 0) {
		printf("# %s\n", err.msg);
		return;
	}
	ok(!seccomp_needs_listener(&cfg->linux.seccomp), "no listener without SCMP_ACT_NOTIFY");
	rc = run_child(&prog, &cfg->linux.seccomp);
	printf("# child: %d\n", rc);
	ok(rc == 0, "installed program: errnoRet, EPERM default, arg filters");
	seccomp_prog_free(&prog);

	ok(find_cache_file(root) == 0 && stat(cache_file, &st) == 0 && st.st_size > 48,
	   "the program was stored in the cache");
	g.helper_dir = "/nonexistent";
	rc = seccomp_program_for(&g, &cfg->linux.seccomp, &prog, &err);
	ok(rc == 0 && run_child(&prog, &cfg->linux.seccomp) == 0, "a warm cache needs no helper");
	seccomp_prog_free(&prog);

	/* Truncated: refused, removed, and (without a helper) an error. */
	truncate(cache_file, st.st_size - 8);
	rc = seccomp_program_for(&g, &cfg->linux.seccomp, &prog, &err);
	ok(rc < 0 && access(cache_file, F_OK) < 0, "a truncated entry is not used and is removed");
	g.helper_dir = helper_dir;
	rc = seccomp_program_for(&g, &cfg->linux.seccomp, &prog, &err);
	ok(rc == 0 && access(cache_file, F_OK) == 0, "and is compiled and stored again");
	seccomp_prog_free(&prog);

	/* Same length, one bit of the program changed: the hash catches it. */
	fd = open(cache_file, O_RDWR);
	if (fd >= 0) {
		uint8_t b;
		pread(fd, &b, 1, st.st_size - 3);
		b ^= 1;
		pwrite(fd, &b, 1, st.st_size - 3);
		close(fd);
	}
	g.helper_dir = "/nonexistent";
	rc = seccomp_program_for(&g, &cfg->linux.seccomp, &prog, &err);
	ok(rc < 0 && access(cache_file, F_OK) < 0, "an entry with a wrong hash is not used");
	g.helper_dir = helper_dir;
	rc = seccomp_program_for(&g, &cfg->linux.seccomp, &prog, &err);
	ok(rc == 0 && run_child(&prog, &cfg->linux.seccomp) == 0, "recompiled program works");
	seccomp_prog_free(&prog);

	config_free(cfg);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	system(cmd);
}

/* ---- listenerPath ---- */

static void
test_listener(void)
{
	char dir[] = "/tmp/brig-test-listener.XXXXXX";
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[4096], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct brig_err err;
	int ls, conn, pipefd[2], got = -1;
	ssize_t n;

	if (mkdtemp(dir) == NULL || pipe(pipefd) < 0)
		return;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(ls, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(ls, 1) < 0) {
		ok(false, "listener socket");
		return;
	}
	ok(seccomp_send_listener(addr.sun_path, "meta\"data", pipefd[0],
				 "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
				 "\"pid\":4242,\"bundle\":\"/b\"}",
				 &err) == 0,
	   "send the listener fd");
	conn = accept(ls, NULL, NULL);
	n = recvmsg(conn, &mh, 0);
	if (n > 0) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		buf[n] = '\0';
		if (c != NULL && c->cmsg_type == SCM_RIGHTS)
			memcpy(&got, CMSG_DATA(c), sizeof(int));
	}
	printf("# %s\n", n > 0 ? buf : "(nothing)");
	ok(n > 0 && strstr(buf, "\"fds\":[\"seccompFd\"]") && strstr(buf, "\"pid\":4242") &&
	       strstr(buf, "\"metadata\":\"meta\\\"data\"") && strstr(buf, "\"state\":{") &&
	       strstr(buf, "\"ociVersion\":\"1.2.0\""),
	   "containerProcessState as runc sends it");
	if (got >= 0) {
		struct stat a, b;
		fstat(got, &a);
		fstat(pipefd[0], &b);
		ok(a.st_ino == b.st_ino, "the fd arrives by SCM_RIGHTS");
		close(got);
	} else {
		ok(false, "the fd arrives by SCM_RIGHTS");
	}
	close(conn);
	close(ls);
	close(pipefd[0]);
	close(pipefd[1]);
	unlink(addr.sun_path);
	rmdir(dir);
}

int
main(void)
{
	const char *helper_dir = getenv("BRIG_HELPER_DIR");

	test_sha256();
	test_codec();
	test_listener();
	if (helper_dir != NULL)
		test_compile(helper_dir);
	else
		printf("# BRIG_HELPER_DIR unset: helper tests skipped\n");
	return t_failed ? 1 : 0;
}
