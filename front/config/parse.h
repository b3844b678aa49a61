/* parse.h - internals shared by the config.json parser's files.
 *
 * A struct cfgp carries the error out-parameter and the JSON path of the
 * value being looked at ("linux.namespaces[2].type"), so every error can
 * name where it is.  Each section parser pushes its key or index, reads
 * typed values through the cfgp_* getters below, and pops on the way out.
 * Getters fail with `config.json: <path>: <what> "<value>"` and return -1.
 */
#ifndef BRIG_CONFIG_PARSE_H
#define BRIG_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "front/config.h"
#include "lib/err.h"

#define CFGP_PATH_MAX 480

struct cfgp {
	struct brig_err *err;
	char path[CFGP_PATH_MAX];
	size_t len;
};

/* Path handling: push returns the old length, to hand back to pop. */
size_t cfgp_push_key(struct cfgp *p, const char *key);
size_t cfgp_push_index(struct cfgp *p, size_t i);
size_t cfgp_push_map_key(struct cfgp *p, const char *key); /* ["key"] */
void cfgp_pop(struct cfgp *p, size_t old);

/* Fail at the current path: "config.json: <path>: <what>".  When V is not
 * NULL its JSON text (cut, escaped) follows in quotes. */
int cfgp_fail(struct cfgp *p, yajl_val v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, quoting the string S instead of a JSON value. */
int cfgp_fail_str(struct cfgp *p, const char *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Member KEY of object OBJ, or NULL.  A JSON null counts as absent. */
yajl_val cfgp_member(yajl_val obj, const char *key);

/* Typed getters of member KEY of OBJ.  *PRESENT (may be NULL) tells whether
 * the member was there; absent optional members leave *OUT untouched. */
int cfgp_object(struct cfgp *p, yajl_val obj, const char *key, bool required, yajl_val *out);
int cfgp_array(struct cfgp *p, yajl_val obj, const char *key, bool required, yajl_val *out);
int cfgp_string(struct cfgp *p, yajl_val obj, const char *key, bool required, char **out);
int cfgp_bool(struct cfgp *p, yajl_val obj, const char *key, bool *out, bool *present);
int cfgp_u64(struct cfgp *p, yajl_val obj, const char *key, uint64_t min, uint64_t max,
             uint64_t *out, bool *present);
int cfgp_i64(struct cfgp *p, yajl_val obj, const char *key, int64_t min, int64_t max, int64_t *out,
             bool *present);
/* An array of strings; NONEMPTY requires at least one element. */
int cfgp_strv(struct cfgp *p, yajl_val obj, const char *key, bool required, bool nonempty,
              struct cfg_strv *out);
/* An absolute path string (starting with '/'). */
int cfgp_abspath(struct cfgp *p, yajl_val obj, const char *key, bool required, char **out);

/* Value-level forms, for array elements: check V itself at the current path. */
int cfgp_val_u64(struct cfgp *p, yajl_val v, uint64_t min, uint64_t max, uint64_t *out);
int cfgp_val_i64(struct cfgp *p, yajl_val v, int64_t min, int64_t max, int64_t *out);

/* Sections, in the order config_parse() calls them. */
int cfgp_process(struct cfgp *p, yajl_val proc, struct cfg_process *out);
int cfgp_mounts(struct cfgp *p, yajl_val mounts, struct config *cfg);
int cfgp_hooks(struct cfgp *p, yajl_val hooks, struct cfg_hooks *out);
int cfgp_linux(struct cfgp *p, yajl_val lx, struct cfg_linux *out);
int cfgp_resources(struct cfgp *p, yajl_val res, struct cfg_resources *out);
int cfgp_seccomp(struct cfgp *p, yajl_val sc, struct cfg_seccomp *out);
/* An array of {containerID, hostID, size} at member KEY of OBJ; with OUT
 * NULL it is only validated. */
int cfgp_idmaps(struct cfgp *p, yajl_val obj, const char *key, struct cfg_idmap **out, size_t *n);
/* A "0-3,5" CPU or memory-node list. */
int cfgp_cpulist(struct cfgp *p, yajl_val obj, const char *key, char **out);

/* Release pieces (free.c). */
void cfg_strv_free(struct cfg_strv *s);
void cfg_hooks_free(struct cfg_hooks *h);
void cfg_linux_free(struct cfg_linux *l);

#endif
