/* cmd_list.c - `brig list [-q] [--format table|json]`. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "front/cmd_common.h"
#include "lib/xalloc.h"

struct list_entry {
	struct ctr_state st;
};

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct list_entry *) a)->st.id, ((const struct list_entry *) b)->st.id);
}

/* Read every container's state without taking its lock: list never
 * waits behind a create or delete in progress. */
static size_t
collect(struct brig_global *g, struct list_entry **out)
{
	struct brig_err err;
	struct list_entry *v = NULL;
	size_t n = 0;
	int rootfd = state_root_open(g->root, false, &err);
	DIR *d;
	struct dirent *de;

	*out = NULL;
	if (rootfd < 0)
		return 0;
	d = fdopendir(openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (d == NULL) {
		close(rootfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		int dirfd;
		if (de->d_name[0] == '.')
			continue;
		dirfd = openat(rootfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (dirfd < 0)
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		if (state_read(dirfd, de->d_name, &v[n].st, &err) == 0) {
			state_refresh(dirfd, &v[n].st);
			n++;
		}
		close(dirfd);
	}
	closedir(d);
	close(rootfd);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	*out = v;
	return n;
}

/* The owner's name from /etc/passwd, read here rather than through NSS
 * (a static brig has no NSS: lib/nonss.c), as runc's list does without cgo;
 * "#UID" when it has none. */
static const char *
owner_name(uid_t uid, char *buf, size_t len)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;

	snprintf(buf, len, "#%u", (unsigned) uid);
	while (f != NULL && (pw = fgetpwent(f)) != NULL)
		if (pw->pw_uid == uid) {
			snprintf(buf, len, "%s", pw->pw_name);
			break;
		}
	if (f != NULL)
		fclose(f);
	return buf;
}

/* Columns as wide as their widest cell plus padding, like runc's
 * tabwriter, so ids of any length keep the columns apart. */
static void
print_table(struct list_entry *v, size_t n)
{
	int wid = 2, wpid = 3, wbundle = 6, wcreated = 7;
	char ob[32], pidbuf[16];

	for (size_t i = 0; i < n; i++) {
		struct ctr_state *s = &v[i].st;
		int np = snprintf(pidbuf, sizeof(pidbuf), "%d", s->status == CTR_STOPPED ? 0 : s->pid);
		wid = (int) strlen(s->id) > wid ? (int) strlen(s->id) : wid;
		wpid = np > wpid ? np : wpid;
		wbundle = (int) strlen(s->bundle) > wbundle ? (int) strlen(s->bundle) : wbundle;
		wcreated = (int) strlen(s->created) > wcreated ? (int) strlen(s->created) : wcreated;
	}
	printf("%-*s   %-*s   %-10s%-*s   %-*s   %s\n", wid, "ID", wpid, "PID", "STATUS", wbundle,
	       "BUNDLE", wcreated, "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		struct ctr_state *s = &v[i].st;
		printf("%-*s   %-*d   %-10s%-*s   %-*s   %s\n", wid, s->id, wpid,
		       s->status == CTR_STOPPED ? 0 : s->pid, state_status_name(s->status), wbundle,
		       s->bundle, wcreated, s->created, owner_name(s->owner, ob, sizeof(ob)));
	}
}

static void
gen_kv(yajl_gen y, const char *k, const char *v)
{
	yajl_gen_string(y, (const unsigned char *) k, strlen(k));
	yajl_gen_string(y, (const unsigned char *) v, strlen(v));
}

static void
print_json(struct list_entry *v, size_t n)
{
	yajl_gen y = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char ob[32];

	yajl_gen_array_open(y);
	for (size_t i = 0; i < n; i++) {
		struct ctr_state *s = &v[i].st;
		yajl_gen_map_open(y);
		gen_kv(y, "ociVersion", "1.2.0");
		gen_kv(y, "id", s->id);
		yajl_gen_string(y, (const unsigned char *) "pid", 3);
		yajl_gen_integer(y, s->status == CTR_STOPPED ? 0 : s->pid);
		gen_kv(y, "status", state_status_name(s->status));
		gen_kv(y, "bundle", s->bundle);
		gen_kv(y, "rootfs", s->rootfs);
		gen_kv(y, "created", s->created);
		gen_kv(y, "owner", owner_name(s->owner, ob, sizeof(ob)));
		if (s->n_annotations > 0) {
			yajl_gen_string(y, (const unsigned char *) "annotations", 11);
			yajl_gen_map_open(y);
			for (size_t a = 0; a < s->n_annotations; a++)
				gen_kv(y, s->annotations[a].key, s->annotations[a].value);
			yajl_gen_map_close(y);
		}
		yajl_gen_map_close(y);
	}
	yajl_gen_array_close(y);
	yajl_gen_get_buf(y, &buf, &len);
	printf("%.*s\n", (int) len, buf);
	yajl_gen_free(y);
}

static const struct option list_options[] = {
	{ "quiet", no_argument, NULL, 'q' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
cmd_list(struct brig_global *g, int argc, char **argv)
{
	struct list_entry *v;
	bool quiet = false, json = false;
	size_t n;
	int ch;

	while ((ch = getopt_long(argc, argv, "+qf:h", list_options, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quiet = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "table") != 0) {
				brig_log_errorf("list: --format: unknown format \"%s\" (table or json)",
						optarg);
				return 1;
			}
			break;
		case 'h':
			printf("usage: brig list [-q] [--format table|json]\n");
			return 0;
		default:
			return 1;
		}
	}
	if (g->root == NULL) {
		struct brig_err err;
		state_root_open(g->root, false, &err);
		brig_log_error(&err);
		return 1;
	}
	n = collect(g, &v);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].st.id);
	else if (json)
		print_json(v, n);
	else
		print_table(v, n);
	for (size_t i = 0; i < n; i++)
		state_free(&v[i].st);
	free(v);
	return 0;
}
