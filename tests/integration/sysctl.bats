#!/usr/bin/env bats
# sysctl.bats - linux.sysctl: namespaced keys set, others refused.

load helpers

@test "a net sysctl is set in the container's network namespace only" {
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host))
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$want"
	set_args cat /proc/sys/net/ipv4/ip_forward
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host" ]
}

@test "an ipc sysctl is set in the container's ipc namespace only" {
	host=$(cat /proc/sys/kernel/msgmax)
	update_config '.linux.sysctl = {"kernel.msgmax": "4242"}'
	set_args cat /proc/sys/kernel/msgmax
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = 4242 ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host" ]
}

@test "several sysctls, net and ipc" {
	update_config '.linux.sysctl = {"kernel.shmmni": "1000", "net.ipv4.ping_group_range": "0 2000",
		"net.core.somaxconn": "1234"}'
	set_args sh -c 'cat /proc/sys/kernel/shmmni /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/ping_group_range'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1234 ]
	[[ "${lines[2]}" =~ ^0[[:space:]]+2000$ ]]
}

@test "sysctl with slashes instead of dots" {
	update_config '.linux.sysctl = {"net/ipv4/ip_default_ttl": "42"}'
	set_args cat /proc/sys/net/ipv4/ip_default_ttl
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = 42 ]
}

@test "a net sysctl without a network namespace is refused" {
	host=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	update_config '.linux.namespaces |= map(select(.type != "network"))
		| .linux.sysctl = {"net.ipv4.ip_default_ttl": "33"}'
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	[ "$(cat /proc/sys/net/ipv4/ip_default_ttl)" = "$host" ]
	no_test_pids
	state_dir_empty
}

@test "an ipc sysctl without an ipc namespace is refused" {
	host=$(cat /proc/sys/kernel/msgmax)
	update_config '.linux.namespaces |= map(select(.type != "ipc"))
		| .linux.sysctl = {"kernel.msgmax": "5151"}'
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host" ]
	no_test_pids
	state_dir_empty
}

@test "a sysctl that no namespace covers (vm.*) is refused" {
	# The host's own value: even a runtime that wrote it would change nothing.
	cur=$(cat /proc/sys/vm/swappiness)
	update_config '.linux.sysctl = {"vm.swappiness": $v}' --arg v "$cur"
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}

@test "a sysctl key with .. is refused" {
	cur=$(cat /proc/sys/vm/swappiness)
	update_config '.linux.sysctl = {"net/../vm/swappiness": $v}' --arg v "$cur"
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}

@test "a sysctl that does not exist fails create" {
	update_config '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	no_test_pids
	state_dir_empty
}
