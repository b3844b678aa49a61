/* seccomp_notify.c - handing a seccomp listener fd to linux.seccomp.listenerPath.
 *
 * runtime-spec (config-linux.md, "seccomp"): the runtime connects to the
 * unix socket listenerPath and sends, in one message, the
 * containerProcessState JSON with the listener fd attached by SCM_RIGHTS,
 * in the order "fds" names them.  runc and crun send exactly this, so a
 * seccomp agent written for them works with brig unchanged.
 */
#include "front/seccomp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "lib/cleanup.h"
#include "lib/unixsock.h"

static void
sn_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

/* Re-emit a parsed value: the state goes in as the object it is. */
static void
sn_value(yajl_gen g, yajl_val v, unsigned depth)
{
	if (depth > 64 || v == NULL) {
		yajl_gen_null(g);
		return;
	}
	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			sn_str(g, v->u.object.keys[i]);
			sn_value(g, v->u.object.values[i], depth + 1);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			sn_value(g, v->u.array.values[i], depth + 1);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		sn_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

static yajl_val
sn_member(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	return yajl_tree_get(obj, path, yajl_t_any);
}

/* {"ociVersion", "fds":["seccompFd"], "pid", "metadata", "state"}: pid and
 * ociVersion are the state's own.  *OUT is malloc'd. */
static int
sn_message(const char *metadata, const char *state_json, char **out, size_t *len,
	   struct brig_err *err)
{
	char errbuf[256];
	yajl_val st = yajl_tree_parse(state_json, errbuf, sizeof(errbuf));
	yajl_val pid, ver;
	yajl_gen g;
	const unsigned char *buf;
	size_t n;

	if (st == NULL || !YAJL_IS_OBJECT(st)) {
		yajl_tree_free(st);
		return brig_err_set(err, EINVAL, "seccomp listener: bad container state");
	}
	pid = sn_member(st, "pid");
	ver = sn_member(st, "ociVersion");
	g = yajl_gen_alloc(NULL);
	if (g == NULL) {
		yajl_tree_free(st);
		return brig_err_set(err, ENOMEM, "seccomp listener");
	}
	yajl_gen_map_open(g);
	sn_str(g, "ociVersion");
	sn_value(g, ver, 0);
	sn_str(g, "fds");
	yajl_gen_array_open(g);
	sn_str(g, "seccompFd");
	yajl_gen_array_close(g);
	sn_str(g, "pid");
	sn_value(g, pid, 0);
	if (metadata != NULL) {
		sn_str(g, "metadata");
		sn_str(g, metadata);
	}
	sn_str(g, "state");
	sn_value(g, st, 0);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &n);
	*out = malloc(n + 1);
	if (*out != NULL) {
		memcpy(*out, buf, n);
		(*out)[n] = '\0';
		*len = n;
	}
	yajl_gen_free(g);
	yajl_tree_free(st);
	if (*out == NULL)
		return brig_err_set(err, ENOMEM, "seccomp listener");
	return 0;
}

int
seccomp_send_listener(const char *listener_path, const char *metadata, int listener_fd,
		      const char *state_json, struct brig_err *err)
{
	static const char what[] = "linux.seccomp.listenerPath";
	cleanup_close int sock = -1;
	cleanup_free char *msg = NULL;
	size_t len = 0;

	if (listener_path == NULL || listener_path[0] == '\0')
		return brig_err_set(err, EINVAL, "%s: required with SCMP_ACT_NOTIFY", what);
	if (sn_message(metadata, state_json, &msg, &len, err) < 0)
		return -1;
	sock = unix_connect(listener_path, what, err);
	if (sock < 0)
		return -1;
	if (unix_send_fd(sock, msg, len, listener_fd) < 0)
		return brig_err_set(err, errno, "%s: send to %s", what, listener_path);
	return 0;
}
