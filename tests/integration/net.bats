#!/usr/bin/env bats
# net.bats - brig-net: veth pairs on a bridge (run.brig.net.* annotations),
# linux.netDevices, and loopback.  Everything happens in a network
# namespace the test makes ($NS, with bridge br0 10.200.0.1/24): brig runs
# inside it (nsenter --net, which keeps the mounts, unlike ip netns exec),
# so the "host" network brig-net changes is the test's.  The real host's
# interfaces are never touched.

load helpers

NS=

setup() {
	requires_root "network namespaces, bridges and veths on the host side"
	common_setup
	NS=brigtest-$$-$BATS_SUITE_TEST_NUMBER
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" addr add 10.200.0.1/24 dev br0
	ip -n "$NS" link set br0 up
	# The runtime under test, entering the test's netns first.
	cat >"$TEST_DIR/brig-in-ns" <<-EOF
		#!/bin/sh
		exec nsenter --net=/run/netns/$NS "$RUNTIME" "\$@"
	EOF
	chmod 755 "$TEST_DIR/brig-in-ns"
	RUNTIME=$TEST_DIR/brig-in-ns
	# ping needs a raw socket.
	update_config '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'
}

teardown() {
	common_teardown
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	true
}

# veth_config ADDRESS [GATEWAY]: the annotations asking a veth on br0.
veth_config() {
	update_config '.annotations += {"run.brig.net.bridge": "br0", "run.brig.net.address": $a}' \
		--arg a "$1"
	if [ -n "${2:-}" ]; then
		update_config '.annotations += {"run.brig.net.gateway": $g}' --arg g "$2"
	fi
}

# The host ends brig-net made in the test's netns.
host_veths() {
	ip -n "$NS" -o link show type veth | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep '^brg' || true
}

# A device to move in: a dummy where the kernel has them, else one end of
# a veth pair (its peer nd0p stays in the test's netns).
make_netdev() {
	ip -n "$NS" link add nd0 type dummy 2>/dev/null ||
		ip -n "$NS" link add nd0 type veth peer name nd0p
	ip -n "$NS" addr add 10.9.9.9/24 dev nd0
	ip -n "$NS" link set nd0 up
}

@test "net: a new network namespace has only lo, up, with 127.0.0.1 and ::1" {
	set_args ip -o addr
	brig_run "$CT"
	[ "$status" -eq 0 ]
	echo "$output"
	echo "$output" | grep -q '^1: lo .*inet 127.0.0.1/8'
	if [ -e /proc/net/if_inet6 ]; then
		echo "$output" | grep -q '^1: lo .*inet6 ::1/128'
	fi
	[ -z "$(echo "$output" | grep -v '^1: lo ')" ]
}

@test "net: without network work brig-net is never started" {
	mkdir "$TEST_DIR/helpers"
	cp -a "$BRIG_HELPER_DIR"/brig-* "$TEST_DIR/helpers/"
	rm "$TEST_DIR/helpers/brig-net"
	BRIG_HELPER_DIR=$TEST_DIR/helpers brig_run "$CT"
	[ "$status" -eq 0 ]
	veth_config 10.200.0.2/24
	BRIG_HELPER_DIR=$TEST_DIR/helpers brig_run "$CT"
	[ "$status" -ne 0 ]
	[ -z "$(host_veths)" ]
}

@test "net: two containers on one bridge reach each other; a third without the annotation has only lo" {
	set_args sleep 100
	veth_config 10.200.0.2/24 10.200.0.1
	create_ct a-"$CT"
	rt start a-"$CT"
	update_config '.annotations["run.brig.net.address"] = "10.200.0.3/24"'
	create_ct b-"$CT"
	rt start b-"$CT"
	update_config 'del(.annotations)'
	create_ct c-"$CT"
	rt start c-"$CT"
	[ "$(host_veths | wc -l)" -eq 2 ]
	# Each host end is enslaved to br0 and up.
	for v in $(host_veths); do
		ip -n "$NS" link show "$v" | grep -q 'master br0 state UP'
	done
	run rt exec a-"$CT" ping -c1 -W2 10.200.0.3
	echo "$output"
	[ "$status" -eq 0 ]
	run rt exec b-"$CT" ping -c1 -W2 10.200.0.2
	[ "$status" -eq 0 ]
	# The gateway (br0 in the test's netns) is reached through the default route.
	run rt exec a-"$CT" ip route
	echo "$output" | grep -q 'default via 10.200.0.1 dev eth0'
	run rt exec a-"$CT" ping -c1 -W2 10.200.0.1
	[ "$status" -eq 0 ]
	run rt exec c-"$CT" ip -o link
	echo "$output"
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	echo "$output" | grep -q '^1: lo:'
	run rt exec c-"$CT" ping -c1 -W1 10.200.0.2
	[ "$status" -ne 0 ]
}

@test "net: delete removes the host end of the veth" {
	set_args sleep 100
	veth_config 10.200.0.2/24
	create_ct "$CT"
	[ "$(host_veths | wc -l)" -eq 1 ]
	[ "$(rt state "$CT" | jq -r .status)" = created ]
	rt delete -f "$CT"
	[ -z "$(host_veths)" ]
	# A container that exited before its delete: the pair died with its
	# netns, delete still succeeds.
	set_args true
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ -z "$(host_veths)" ]
}

@test "net: a failed create leaves no veth" {
	set_args /no/such/program
	veth_config 10.200.0.2/24
	run create_ct "$CT"
	[ "$status" -ne 0 ]
	[ -z "$(host_veths)" ]
	state_dir_empty
	# The bridge does not exist: refused, nothing made.
	set_args true
	update_config '.annotations["run.brig.net.bridge"] = "nobr0"'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"nobr0"* ]]
	[ -z "$(host_veths)" ]
	# A netDevices entry taking the veth's name: refused, nothing moved.
	ip -n "$NS" link add nd1 type veth peer name nd1p
	update_config '.annotations["run.brig.net.bridge"] = "br0" | .linux.netDevices = {"nd1": {"name": "eth0"}}'
	brig_run "$CT"
	echo "$output"
	[ "$status" -ne 0 ]
	[ -z "$(host_veths)" ]
	ip -n "$NS" link show nd1
}

@test "net: bad annotations are refused before anything is made" {
	set_args true
	for bad in 'bridge=a/b' 'bridge=abcdefghijklmnop' 'address=10.200.0.2' 'address=10.200.0.2/33' \
		'gateway=10.201.0.1' 'gateway=10.200.0.2'; do
		veth_config 10.200.0.2/24 10.200.0.1
		update_config '.annotations["run.brig.net." + $k] = $v' --arg k "${bad%%=*}" --arg v "${bad#*=}"
		brig_run "$CT"
		echo "$bad: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"run.brig.net.${bad%%=*}"* ]]
		[ -z "$(host_veths)" ]
	done
}

@test "net: netDevices: moved in, renamed, keeps its address; back under its name at delete" {
	make_netdev
	set_args sleep 100
	update_config '.linux.netDevices = {"nd0": {"name": "eth1"}}'
	create_ct "$CT"
	# (! CMD), not ! CMD: bash's errexit ignores a bare !, so it could never fail the test.
	(! ip -n "$NS" link show nd0 2>/dev/null)
	run rt exec "$CT" ip -o addr show eth1
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'inet 10.9.9.9/24'
	run rt exec "$CT" ip -o link show eth1
	echo "$output" | grep -q 'UP'
	rt delete -f "$CT"
	ip -n "$NS" -o addr show nd0 | grep -q 'inet 10.9.9.9/24'
	ip -n "$NS" link show nd0 | grep -q ',UP'
}

@test "net: netDevices of a container that exited: a virtual device died with its netns" {
	make_netdev
	update_config '.linux.netDevices = {"nd0": {}}'
	set_args ip -o addr show nd0
	brig_run "$CT"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'inet 10.9.9.9/24'
	# Documented (brig-net(8)): the kernel destroys virtual devices of a
	# dying netns (physical ones return to the initial netns by themselves).
	sleep 0.5
	! ip -n "$NS" link show nd0 2>/dev/null
}

@test "net: netDevices need a network namespace; a missing device is refused" {
	update_config '.linux.netDevices = {"nd9": {}}'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"nd9"* ]]
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"network namespace"* ]]
}
