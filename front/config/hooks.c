/* hooks.c - the "hooks" section: six lists of {path, args, env, timeout}. */
#include "front/config/parse.h"

#include <limits.h>
#include <string.h>

#include "lib/xalloc.h"

static int
hook_one(struct cfgp *p, yajl_val v, struct cfg_hook *h)
{
	int64_t t = 0;

	if (!YAJL_IS_OBJECT(v))
		return cfgp_fail(p, v, "must be an object");
	if (cfgp_abspath(p, v, "path", true, &h->path) < 0 ||
	    cfgp_strv(p, v, "args", false, false, &h->args) < 0 ||
	    cfgp_strv(p, v, "env", false, false, &h->env) < 0)
		return -1;
	for (size_t i = 0; i < h->env.n; i++) {
		const char *eq = strchr(h->env.v[i], '=');
		if (eq == NULL || eq == h->env.v[i]) {
			cfgp_push_key(p, "env");
			cfgp_push_index(p, i);
			return cfgp_fail_str(p, h->env.v[i], "must be NAME=VALUE");
		}
	}
	if (cfgp_member(v, "timeout") != NULL) {
		size_t old = cfgp_push_key(p, "timeout");
		if (cfgp_val_i64(p, cfgp_member(v, "timeout"), INT64_MIN, INT64_MAX, &t) < 0)
			return -1;
		if (t <= 0)
			return cfgp_fail(p, cfgp_member(v, "timeout"), "must be greater than zero");
		if (t > INT_MAX)
			return cfgp_fail(p, cfgp_member(v, "timeout"), "too large");
		cfgp_pop(p, old);
		h->has_timeout = true;
		h->timeout = (int) t;
	}
	return 0;
}

static int
hook_list(struct cfgp *p, yajl_val hooks, const char *key, struct cfg_hook **out, size_t *n)
{
	yajl_val arr = NULL;
	size_t old;

	if (cfgp_array(p, hooks, key, false, &arr) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	old = cfgp_push_key(p, key);
	*out = xcalloc(arr->u.array.len + 1, sizeof(**out));
	for (size_t i = 0; i < arr->u.array.len; i++) {
		size_t o2 = cfgp_push_index(p, i);
		(*n)++; /* counted first, so config_free sees a half-parsed hook */
		if (hook_one(p, arr->u.array.values[i], &(*out)[i]) < 0)
			return -1;
		cfgp_pop(p, o2);
	}
	cfgp_pop(p, old);
	return 0;
}

int
cfgp_hooks(struct cfgp *p, yajl_val hooks, struct cfg_hooks *out)
{
	size_t old = cfgp_push_key(p, "hooks");

	if (hook_list(p, hooks, "prestart", &out->prestart, &out->n_prestart) < 0 ||
	    hook_list(p, hooks, "createRuntime", &out->create_runtime, &out->n_create_runtime) <
	        0 ||
	    hook_list(p, hooks, "createContainer", &out->create_container,
	              &out->n_create_container) < 0 ||
	    hook_list(p, hooks, "startContainer", &out->start_container, &out->n_start_container) <
	        0 ||
	    hook_list(p, hooks, "poststart", &out->poststart, &out->n_poststart) < 0 ||
	    hook_list(p, hooks, "poststop", &out->poststop, &out->n_poststop) < 0)
		return -1;
	cfgp_pop(p, old);
	return 0;
}
