/* free.c - config_free(): releases everything the parser allocated.
 *
 * Safe on a half-parsed config: the parser counts an array element before
 * filling it, and every slot starts zeroed. */
#include "front/config/parse.h"

#include <stdlib.h>

void
cfg_strv_free(struct cfg_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void
free_kv(struct cfg_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void
config_free_process(struct cfg_process *p)
{
	free(p->user.additional_gids);
	free(p->user.username);
	cfg_strv_free(&p->args);
	free(p->command_line);
	cfg_strv_free(&p->env);
	free(p->cwd);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
}

static void
free_mounts(struct cfg_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].destination);
		free(m[i].type);
		free(m[i].source);
		cfg_strv_free(&m[i].options);
		free(m[i].data);
		cfg_strv_free(&m[i].uid_mappings_raw);
	}
	free(m);
}

static void
free_hook_list(struct cfg_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].path);
		cfg_strv_free(&h[i].args);
		cfg_strv_free(&h[i].env);
	}
	free(h);
}

void
cfg_hooks_free(struct cfg_hooks *h)
{
	free_hook_list(h->prestart, h->n_prestart);
	free_hook_list(h->create_runtime, h->n_create_runtime);
	free_hook_list(h->create_container, h->n_create_container);
	free_hook_list(h->start_container, h->n_start_container);
	free_hook_list(h->poststart, h->n_poststart);
	free_hook_list(h->poststop, h->n_poststop);
}

void
config_free_resources(struct cfg_resources *r)
{
	for (size_t i = 0; i < r->n_devices; i++)
		free(r->devices[i].access);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_device);
	free(r->block_io.throttle_read_bps);
	free(r->block_io.throttle_write_bps);
	free(r->block_io.throttle_read_iops);
	free(r->block_io.throttle_write_iops);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	free_kv(r->unified, r->n_unified);
}

static void
free_seccomp(struct cfg_seccomp *s)
{
	cfg_strv_free(&s->architectures);
	cfg_strv_free(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		cfg_strv_free(&s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
}

void
cfg_linux_free(struct cfg_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_sysctl; i++) {
		free(l->sysctl[i].key);
		free(l->sysctl[i].value);
	}
	free(l->sysctl);
	config_free_resources(&l->resources);
	free(l->cgroups_path);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	cfg_strv_free(&l->masked_paths);
	cfg_strv_free(&l->readonly_paths);
	free_seccomp(&l->seccomp);
	free(l->mount_label);
	cfg_strv_free(&l->personality_flags);
	for (size_t i = 0; i < l->n_time_offsets; i++)
		free(l->time_offsets[i].clock);
	free(l->time_offsets);
	free(l->intel_rdt_clos_id);
	for (size_t i = 0; i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->oci_version);
	config_free_process(&cfg->process);
	free(cfg->root.path);
	free(cfg->hostname);
	free(cfg->domainname);
	free_mounts(cfg->mounts, cfg->n_mounts);
	cfg_hooks_free(&cfg->hooks);
	free_kv(cfg->annotations, cfg->n_annotations);
	cfg_linux_free(&cfg->linux);
	free(cfg);
}
