#!/usr/bin/env bats
# hooks.bats - the six hooks: order, state on stdin, args, env, timeout, failures.

load helpers

# The hook directory is bind-mounted at the same path into the container,
# so a hook finds its script and log whether it runs in the runtime's
# namespaces or the container's (startContainer runs inside).
hooks_setup() {
	HK=$TEST_DIR/hk
	mkdir -p "$HK"
	cat >"$HK/hook.sh" <<-'EOF2'
		#!/bin/sh
		# hook.sh NAME [EXIT]: save the state from stdin, note the call.
		dir=$(dirname "$0")
		cat >"$dir/$1.json"
		echo "$1" >>"$dir/order"
		exit "${2:-0}"
	EOF2
	chmod 755 "$HK/hook.sh"
	update_config '.mounts += [{destination: $d, type: "bind", source: $d, options: ["rbind"]}]' \
		--arg d "$HK"
}

# add_hook KIND NAME [EXIT]: append hook.sh NAME to hooks.KIND.
add_hook() {
	update_config '.hooks[$k] += [{path: $p, args: ["hook.sh", $n, $e]}]' \
		--arg k "$1" --arg p "$HK/hook.sh" --arg n "$2" --arg e "${3:-0}"
}

add_all_hooks() {
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$k" "$k"
	done
}

hook_order() {
	echo "hook order: $(tr "\n" " " <"$HK/order")" >&2
	tr '\n' ' ' <"$HK/order"
}

@test "all six hooks run once; create's three in lifecycle order, poststop last" {
	hooks_setup
	add_all_hooks
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[[ "$(hook_order)" == "prestart createRuntime createContainer "* ]]
	[[ "$(hook_order)" == *" poststop " ]]
	[ "$(sort "$HK/order" | tr '\n' ' ')" = "createContainer createRuntime poststart poststop prestart startContainer " ]
}

@test "hooks run at the right step: create, start, delete" {
	# runtime-spec: poststart runs after the user process is executed,
	# during start.  runc 1.1 runs poststart hooks at create.
	requires_brig
	hooks_setup
	add_all_hooks
	set_args sleep 10
	create_ct "$CT"
	[ "$(hook_order)" = "prestart createRuntime createContainer " ]
	rt start "$CT"
	wait_status "$CT" running
	[ "$(hook_order)" = "prestart createRuntime createContainer startContainer poststart " ]
	rt kill "$CT" KILL
	wait_status "$CT" stopped
	rt delete "$CT"
	[ "$(hook_order)" = "prestart createRuntime createContainer startContainer poststart poststop " ]
}

@test "hooks get the state on stdin: id, bundle, pid, status" {
	hooks_setup
	add_all_hooks
	set_args sleep 10
	create_ct "$CT"
	pid=$(ct_pid "$CT")
	rt start "$CT"
	wait_status "$CT" running
	rt kill "$CT" KILL
	wait_status "$CT" stopped
	rt delete "$CT"
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		echo "$k: $(cat "$HK/$k.json")"
		[ "$(jq -r .id "$HK/$k.json")" = "$CT" ]
		[ "$(jq -r .bundle "$HK/$k.json")" = "$BUNDLE" ]
		jq -e .ociVersion "$HK/$k.json"
	done
	for k in prestart createRuntime poststart; do
		[ "$(jq -r .pid "$HK/$k.json")" = "$pid" ]
	done
	# These run in the container's namespaces: the pid may be seen from
	# there (runc says 1).
	for k in createContainer startContainer; do
		p=$(jq -r .pid "$HK/$k.json")
		[ "$p" = "$pid" ] || [ "$p" = 1 ]
	done
	[ "$(jq -r .status "$HK/prestart.json")" = creating ]
	[ "$(jq -r .status "$HK/createRuntime.json")" = creating ]
	[ "$(jq -r .status "$HK/createContainer.json")" = creating ]
	[ "$(jq -r .status "$HK/startContainer.json")" = created ]
	[ "$(jq -r .status "$HK/poststop.json")" = stopped ]
	if is_brig; then
		# runc 1.1 runs poststart at create and says "created".
		[ "$(jq -r .status "$HK/poststart.json")" = running ]
	fi
}

@test "hook args (argv[0] included) and env" {
	hooks_setup
	update_config '.hooks.createRuntime = [{path: "/bin/sh",
		args: ["sh", "-c", "echo \"$0|$1|$2\" >$HK/args; env >$HK/env", "zero", "one", "two words"],
		env: ["HOOKVAR=hello", "HK=" + $hk]}]' --arg hk "$HK"
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(cat "$HK/args")" = "zero|one|two words" ]
	grep -qx HOOKVAR=hello "$HK/env"
	# The runtime's own environment is not passed to the hook.
	[ -z "$(grep '^BATS_' "$HK/env")" ]
}

@test "several hooks of one kind run in the order given" {
	hooks_setup
	add_hook createRuntime first
	add_hook createRuntime second
	add_hook createRuntime third
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(hook_order)" = "first second third " ]
}

@test "a hook past its timeout is killed and create fails" {
	hooks_setup
	update_config '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", $t], timeout: 1}]' \
		--arg t "59.$$"
	SECONDS=0
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	[ "$SECONDS" -lt 10 ]
	sleep 0.2
	run pgrep -f "sleep 59.$$"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}

@test "a failing createRuntime hook fails create and leaves nothing" {
	hooks_setup
	add_hook createRuntime failing 1
	set_args sleep 10
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
}

@test "a failing prestart hook fails create and leaves nothing" {
	hooks_setup
	add_hook prestart failing 3
	set_args sleep 10
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
}

@test "a failing createContainer hook fails create and leaves nothing" {
	hooks_setup
	add_hook createContainer failing 1
	set_args sleep 10
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
	[ "$(test_mounts)" = "$MOUNTS_BEFORE" ]
}

@test "a failing createRuntime hook stops the hooks after it" {
	hooks_setup
	add_hook createRuntime failing 1
	add_hook createRuntime after
	add_hook createContainer cc
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	[ "$(hook_order)" = "failing " ]
}

@test "a failing poststop hook does not stop delete" {
	hooks_setup
	add_hook poststop failing 1
	create_ct "$CT"
	start_and_wait "$CT"
	run rt delete "$CT"
	[ -f "$HK/failing.json" ]
	run rt state "$CT"
	[ "$status" -ne 0 ]
	state_dir_empty
}

@test "a hook path that does not exist fails create" {
	hooks_setup
	update_config '.hooks.createRuntime = [{path: "/no/such/hook"}]'
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}
