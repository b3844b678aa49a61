#!/usr/bin/env bats
# net.bats - brig-net installed setuid root, used and attacked by the
# unprivileged user $ADV_USER through adv-net-client (net_client.c).
# Everything runs in a network namespace the test makes ($NS, bridges br0
# and br1): the client (and so the setuid helper) is started inside it
# with nsenter, so the "host" network is the test's.  Every attack asserts
# it was refused AND that no link of $NS changed.  Run by
# tests/adversary/run, which sets ADV, ADV_HELPERS, ADV_USER.

setup_file() {
	export UID_ADV NET NS NSROOT
	UID_ADV=$(id -u "$ADV_USER")
	NET="$ADV_HELPERS/brig-net"
	NS=brigadv-net-$$
	NSROOT=brigadv-netroot-$$
	ip netns add "$NS"
	ip netns add "$NSROOT"
	ip -n "$NS" link set lo up
	for b in br0 br1; do
		ip -n "$NS" link add "$b" type bridge
		ip -n "$NS" link set "$b" up
	done
}

teardown_file() {
	local ino
	ino=$(stat -L -c %i "/run/netns/$NS" 2>/dev/null)
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NSROOT" 2>/dev/null
	[ -n "$ino" ] && rm -f "/run/brig-net/$ino".*
	true
}

setup() {
	policy_veth "bridge=br0 max=2"
	KIDS=()
}

teardown() {
	local k v
	for k in "${KIDS[@]}"; do
		kill -9 "$k" 2>/dev/null
	done
	for v in $(brg_links); do
		ip -n "$NS" link del "$v" 2>/dev/null
	done
	true
}

write_policy() {
	chmod 755 "$ADV/etc"
	rm -f "$ADV/etc/policy"
	printf '%s\n' "$@" >"$ADV/etc/policy"
	chown 0:0 "$ADV/etc/policy"
	chmod 644 "$ADV/etc/policy"
}

policy_veth() {
	write_policy "allow $ADV_USER net.veth $1"
}

# The adversary, inside the test's netns, with no environment of ours.
netc() {
	run nsenter --net="/run/netns/$NS" runuser -u "$ADV_USER" -- env -i "$ADV/bin/adv-net-client" "$NET" "$@"
	echo "adv-net-client $*: status $status: $output" >&3
}

# netc_keep ARGS...: a setup whose netns child stays alive (KIDS).
netc_keep() {
	netc setup --keep "$@"
	local k
	k=$(echo "$output" | sed -n 's/^child //p')
	[ -n "$k" ] && KIDS+=("$k")
	true
}

brg_links() {
	ip -n "$NS" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep '^brg' || true
}

links() {
	ip -n "$NS" -o link show | awk -F': ' '{ print $2 }' | sort
}

refused() {
	[ "$status" -eq 1 ] || [ "$status" -eq 2 ]
}

host_name_of() {
	echo "brg$(printf '%s' "$1:$2" | sha256sum | cut -c1-12)"
}

@test "net baseline: max=2 gives two veths on br0, the third is refused; release frees one" {
	netc_keep --id c1 --bridge br0 --address 10.200.0.2/24
	[ "$status" -eq 0 ]
	netc_keep --id c2 --bridge br0 --address 10.200.0.3/24
	[ "$status" -eq 0 ]
	[ "$(brg_links | wc -l)" -eq 2 ]
	for v in $(brg_links); do
		ip -n "$NS" link show "$v" | grep -q 'master br0'
	done
	# The host end's name is the helper's: the user's uid and the id.
	ip -n "$NS" link show "$(host_name_of "$UID_ADV" c1)"
	before=$(links)
	netc_keep --id c3 --bridge br0
	refused
	[[ "$output" == *"max=2"* ]]
	[ "$(links)" = "$before" ]
	# The quota file is root's.
	ino=$(stat -L -c %i "/run/netns/$NS")
	[ "$(stat -c '%u %a' "/run/brig-net/$ino.veths")" = "0 600" ]
	netc release --id c1
	[ "$status" -eq 0 ]
	[ "$(brg_links | wc -l)" -eq 1 ]
	netc_keep --id c3 --bridge br0
	[ "$status" -eq 0 ]
	[ "$(brg_links | wc -l)" -eq 2 ]
}

@test "net: a veth whose container exited frees its quota slot" {
	netc_keep --id c1 --bridge br0
	netc_keep --id c2 --bridge br0
	[ "$(brg_links | wc -l)" -eq 2 ]
	kill -9 "${KIDS[0]}"
	sleep 0.5
	netc_keep --id c3 --bridge br0
	[ "$status" -eq 0 ]
}

@test "net attack: concurrent creates cannot go past max=" {
	for i in 1 2 3 4 5; do
		nsenter --net="/run/netns/$NS" runuser -u "$ADV_USER" -- env -i \
			"$ADV/bin/adv-net-client" "$NET" setup --keep --id "r$i" --bridge br0 \
			>"$BATS_TEST_TMPDIR/r$i" 2>&1 &
	done
	wait
	for i in 1 2 3 4 5; do
		k=$(sed -n 's/^child //p' "$BATS_TEST_TMPDIR/r$i")
		[ -n "$k" ] && KIDS+=("$k")
	done
	[ "$(brg_links | wc -l)" -eq 2 ]
	[ "$(grep -l '^ok' "$BATS_TEST_TMPDIR"/r* | wc -l)" -eq 2 ]
}

@test "net attack: no policy line: refused, nothing made" {
	write_policy "allow $ADV_USER cgroup.limit root=/sys/fs/cgroup/x"
	before=$(links)
	netc setup --bridge br0
	refused
	[[ "$output" == *"no net.veth line"* ]]
	[ "$(links)" = "$before" ]
}

@test "net attack: a bridge the policy does not name: refused, nothing made" {
	before=$(links)
	netc setup --bridge br1
	refused
	[[ "$output" == *"not allowed by the policy"* ]]
	[ "$(links)" = "$before" ]
}

@test "net attack: a rule without max= or bridge= allows nothing" {
	policy_veth "bridge=br0"
	netc setup --bridge br0
	refused
	policy_veth "max=5"
	netc setup --bridge br0
	refused
	[ -z "$(brg_links)" ]
}

@test "net attack: names with '/', too long, or '..' are refused" {
	before=$(links)
	for b in br0/x abcdefghijklmnop .. 'br 0' ''; do
		netc setup --bridge "$b"
		refused
	done
	netc setup --bridge br0 --peer ../eth0
	refused
	netc setup --bridge br0 --peer abcdefghijklmnop
	refused
	netc setup --bridge br0 --id ../x
	refused
	[ "$(links)" = "$before" ]
}

@test "net attack: bad address or a gateway outside the subnet: refused" {
	netc setup --bridge br0 --address 10.0.0.1
	refused
	netc setup --bridge br0 --address 10.0.0.1/24 --gateway 10.0.1.1
	refused
	[ -z "$(brg_links)" ]
}

@test "net attack: another user's network namespace (root's) is refused, nothing in it changes" {
	before=$(ip -n "$NSROOT" -o link show)
	netc setup --bridge br0 --netns "/run/netns/$NSROOT"
	refused
	[[ "$output" == *"not the caller's"* ]]
	[ "$(ip -n "$NSROOT" -o link show)" = "$before" ]
	[ -z "$(brg_links)" ]
}

@test "net attack: the helper's own (host) netns as the target is refused" {
	netc setup --bridge br0 --netns "/run/netns/$NS"
	refused
	[ -z "$(brg_links)" ]
}

@test "net attack: a regular file or a mount namespace where a netns belongs is refused" {
	netc setup --bridge br0 --netns /etc/passwd
	refused
	netc setup --bridge br0 --netns /proc/self/ns/mnt
	refused
	[ -z "$(brg_links)" ]
}

@test "net attack: netDevices (a host device) for a user is refused, the device stays" {
	ip -n "$NS" link add advnd0 type veth peer name advnd0p
	netc setup --device advnd0=eth1
	refused
	[[ "$output" == *"only for root"* ]]
	ip -n "$NS" link show advnd0
	ip -n "$NS" link del advnd0
}

@test "net attack: release cannot delete a veth the user's records do not hold" {
	# A link named as the user's own would be, but not made for them.
	v=$(host_name_of "$UID_ADV" victim)
	ip -n "$NS" link add "$v" type veth peer name advvp
	netc release --id victim
	ip -n "$NS" link show "$v"
	# Root's veth for the same id has another name: out of reach anyway.
	[ "$(host_name_of 0 victim)" != "$v" ]
	ip -n "$NS" link del "$v"
}
