/* parse.c - config.json entry points: load, parse, top-level fields, lookups.
 *
 * The whole document is parsed and validated before anything is created;
 * the first error found is returned, naming its JSON path and value.
 * Unknown properties are ignored (runtime-spec), known ones are strict.
 */
#include "front/config/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/xalloc.h"

/* Far above any real config.json (runc's are a few KiB), low enough that a
 * hostile bundle cannot make us hold a huge document. */
#define CONFIG_MAX_SIZE (4u << 20)

#define HOSTNAME_MAX 64

static inline void
cleanup_tree_fn(yajl_val *v)
{
	if (*v != NULL)
		yajl_tree_free(*v);
}
#define cleanup_tree __attribute__((cleanup(cleanup_tree_fn)))

static inline void
cleanup_config_fn(struct config **c)
{
	config_free(*c);
}
#define cleanup_config __attribute__((cleanup(cleanup_config_fn)))

static int
parse_root(struct cfgp *p, yajl_val doc, struct cfg_root *out)
{
	yajl_val root = NULL;
	size_t old;

	if (cfgp_object(p, doc, "root", true, &root) < 0)
		return -1;
	old = cfgp_push_key(p, "root");
	if (cfgp_string(p, root, "path", true, &out->path) < 0 ||
	    cfgp_bool(p, root, "readonly", &out->readonly, NULL) < 0)
		return -1;
	cfgp_pop(p, old);
	if (out->path[0] == '\0') {
		cfgp_push_key(p, "root.path");
		return cfgp_fail(p, NULL, "must not be empty");
	}
	return 0;
}

static int
parse_name(struct cfgp *p, yajl_val doc, const char *key, char **out)
{
	size_t old;

	if (cfgp_string(p, doc, key, false, out) < 0)
		return -1;
	if (*out == NULL)
		return 0;
	old = cfgp_push_key(p, key);
	if (strlen(*out) > HOSTNAME_MAX)
		return cfgp_fail_str(p, *out, "longer than %d characters", HOSTNAME_MAX);
	cfgp_pop(p, old);
	return 0;
}

static int
parse_annotations(struct cfgp *p, yajl_val doc, struct config *cfg)
{
	yajl_val obj = NULL;
	size_t old;

	if (cfgp_object(p, doc, "annotations", false, &obj) < 0)
		return -1;
	if (obj == NULL)
		return 0;
	old = cfgp_push_key(p, "annotations");
	cfg->annotations = xcalloc(obj->u.object.len + 1, sizeof(*cfg->annotations));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		yajl_val v = obj->u.object.values[i];
		const char *k = obj->u.object.keys[i];
		if (!YAJL_IS_STRING(v)) {
			cfgp_push_map_key(p, k);
			return cfgp_fail(p, v, "must be a string");
		}
		cfg->annotations[cfg->n_annotations].key = xstrdup(k);
		cfg->annotations[cfg->n_annotations].value = xstrdup(v->u.string);
		cfg->n_annotations++;
	}
	cfgp_pop(p, old);
	return 0;
}

/* Checks that need more than one section: done once everything is read. */
static int
check_cross(struct cfgp *p, const struct config *cfg)
{
	if (config_namespace(cfg, CFG_NS_UTS) != NULL)
		return 0;
	if (cfg->hostname != NULL && cfg->hostname[0] != '\0') {
		cfgp_push_key(p, "hostname");
		return cfgp_fail(p, NULL, "requires a new uts namespace");
	}
	if (cfg->domainname != NULL && cfg->domainname[0] != '\0') {
		cfgp_push_key(p, "domainname");
		return cfgp_fail(p, NULL, "requires a new uts namespace");
	}
	return 0;
}

static int
parse_doc(struct cfgp *p, yajl_val doc, struct config *cfg)
{
	yajl_val v = NULL;

	if (!YAJL_IS_OBJECT(doc))
		return brig_err_set(p->err, 0, "config.json: must be a JSON object");
	if (cfgp_string(p, doc, "ociVersion", true, &cfg->oci_version) < 0 ||
	    parse_root(p, doc, &cfg->root) < 0)
		return -1;
	if (cfgp_object(p, doc, "process", false, &v) < 0)
		return -1;
	if (v != NULL && cfgp_process(p, v, &cfg->process) < 0)
		return -1;
	if (parse_name(p, doc, "hostname", &cfg->hostname) < 0 ||
	    parse_name(p, doc, "domainname", &cfg->domainname) < 0)
		return -1;
	v = NULL;
	if (cfgp_array(p, doc, "mounts", false, &v) < 0)
		return -1;
	if (v != NULL && cfgp_mounts(p, v, cfg) < 0)
		return -1;
	v = NULL;
	if (cfgp_object(p, doc, "hooks", false, &v) < 0)
		return -1;
	if (v != NULL && cfgp_hooks(p, v, &cfg->hooks) < 0)
		return -1;
	if (parse_annotations(p, doc, cfg) < 0)
		return -1;
	v = NULL;
	if (cfgp_object(p, doc, "linux", false, &v) < 0)
		return -1;
	if (v != NULL && cfgp_linux(p, v, &cfg->linux) < 0)
		return -1;
	return check_cross(p, cfg);
}

/* yajl's message spans several lines (the text and a caret); keep the first. */
static int
syntax_error(struct brig_err *err, const char *msg)
{
	size_t n = strcspn(msg, "\r\n");

	if (n == 0)
		return brig_err_set(err, 0, "config.json: invalid JSON");
	return brig_err_set(err, 0, "config.json: invalid JSON: %.*s", (int) n, msg);
}

/* Parse BUF (LEN bytes) into a yajl tree, refusing NUL bytes. */
static int
parse_tree(const char *buf, size_t len, yajl_val *doc, struct brig_err *err)
{
	char ebuf[256] = "";

	if (buf == NULL || strnlen(buf, len) != len)
		return brig_err_set(err, 0, "config.json: invalid JSON: contains a NUL byte");
	*doc = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (*doc == NULL)
		return syntax_error(err, ebuf);
	return 0;
}

int
config_parse(const char *buf, size_t len, struct config **out, struct brig_err *err)
{
	cleanup_config struct config *cfg = NULL;
	cleanup_tree yajl_val doc = NULL;
	struct cfgp p = {.err = err};

	*out = NULL;
	if (parse_tree(buf, len, &doc, err) < 0)
		return -1;
	cfg = xzalloc(sizeof(*cfg));
	if (parse_doc(&p, doc, cfg) < 0)
		return -1;
	*out = steal_ptr(&cfg);
	return 0;
}

int
config_parse_resources(const char *buf, size_t len, struct cfg_resources *out,
		       struct brig_err *err)
{
	cleanup_tree yajl_val doc = NULL;
	struct cfgp p = {.err = err};

	memset(out, 0, sizeof(*out));
	if (parse_tree(buf, len, &doc, err) < 0)
		return -1;
	if (cfgp_resources(&p, doc, out) < 0) {
		config_free_resources(out);
		return -1;
	}
	return 0;
}

int
config_parse_process(const char *buf, size_t len, struct cfg_process *out, struct brig_err *err)
{
	cleanup_tree yajl_val doc = NULL;
	struct cfgp p = {.err = err};

	memset(out, 0, sizeof(*out));
	if (parse_tree(buf, len, &doc, err) < 0)
		return -1;
	if (!YAJL_IS_OBJECT(doc))
		return brig_err_set(err, 0, "config.json: process: not an object");
	if (cfgp_process(&p, doc, out) < 0) {
		config_free_process(out);
		return -1;
	}
	return 0;
}

static int
read_all(int fd, char **bufp, size_t *lenp, struct brig_err *err)
{
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t len = 0, cap;

	if (fstat(fd, &st) < 0)
		return brig_err_set(err, errno, "config.json");
	if (!S_ISREG(st.st_mode))
		return brig_err_set(err, 0, "config.json: not a regular file");
	if (st.st_size > (off_t) CONFIG_MAX_SIZE)
		return brig_err_set(err, 0, "config.json: larger than %u bytes", CONFIG_MAX_SIZE);
	cap = (size_t) st.st_size + 1;
	buf = xmalloc(cap + 1);
	/* Read to EOF: the file may grow under us; the cap still holds. */
	for (;;) {
		ssize_t n;
		if (len == cap) {
			if (cap > CONFIG_MAX_SIZE)
				return brig_err_set(err, 0, "config.json: larger than %u bytes",
				                    CONFIG_MAX_SIZE);
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return brig_err_set(err, errno, "config.json: read");
		if (n == 0)
			break;
		len += (size_t) n;
	}
	if (len > CONFIG_MAX_SIZE)
		return brig_err_set(err, 0, "config.json: larger than %u bytes", CONFIG_MAX_SIZE);
	buf[len] = '\0';
	*bufp = steal_ptr(&buf);
	*lenp = len;
	return 0;
}

int
config_load(int bundle_dirfd, struct config **out, struct brig_err *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0;

	*out = NULL;
	fd = openat(bundle_dirfd, "config.json", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return brig_err_set(err, errno, "config.json");
	if (read_all(fd, &buf, &len, err) < 0)
		return -1;
	return config_parse(buf, len, out, err);
}

const struct cfg_namespace *
config_namespace(const struct config *cfg, enum cfg_ns_type t)
{
	for (size_t i = 0; i < cfg->linux.n_namespaces; i++)
		if (cfg->linux.namespaces[i].type == t)
			return &cfg->linux.namespaces[i];
	return NULL;
}

const char *
config_annotation(const struct config *cfg, const char *key)
{
	/* Last one wins, as with a JSON object decoded into a map. */
	for (size_t i = cfg->n_annotations; i > 0; i--)
		if (strcmp(cfg->annotations[i - 1].key, key) == 0)
			return cfg->annotations[i - 1].value;
	return NULL;
}
