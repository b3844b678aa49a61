#!/usr/bin/env bats
# caps.bats - process.capabilities: the five sets, as root and as a user.

load helpers

# caps_of FIELD: the hex mask of FIELD (CapEff, CapBnd, ...) from $output,
# which holds the container's /proc/self/status.
caps_of() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"
}

# The default three capabilities: AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
DEFAULT_MASK=0000000020000420

@test "default: the five sets hold the configured capabilities" {
	set_args cat /proc/self/status
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(caps_of CapInh)" = $DEFAULT_MASK ]
	[ "$(caps_of CapPrm)" = $DEFAULT_MASK ]
	[ "$(caps_of CapEff)" = $DEFAULT_MASK ]
	[ "$(caps_of CapBnd)" = $DEFAULT_MASK ]
	[ "$(caps_of CapAmb)" = $DEFAULT_MASK ]
}

@test "sets are independent: bounding wider than permitted, no inheritable or ambient" {
	update_config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"],
		permitted: ["CAP_CHOWN", "CAP_KILL"],
		effective: ["CAP_CHOWN"],
		inheritable: [],
		ambient: []}'
	set_args cat /proc/self/status
	brig_run "$CT"
	[ "$status" -eq 0 ]
	# CHOWN = bit 0, KILL = bit 5, SYS_ADMIN = bit 21
	[ "$(caps_of CapBnd)" = 0000000000200021 ]
	[ "$(caps_of CapPrm)" = 0000000000000021 ]
	# execve as uid 0 makes the effective set the permitted set.
	[ "$(caps_of CapEff)" = 0000000000000021 ]
	[ "$(caps_of CapInh)" = 0000000000000000 ]
	[ "$(caps_of CapAmb)" = 0000000000000000 ]
}

@test "no capabilities object: root in the container has none" {
	update_config 'del(.process.capabilities)'
	set_args cat /proc/self/status
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(caps_of CapEff)" = 0000000000000000 ]
	[ "$(caps_of CapPrm)" = 0000000000000000 ]
	[ "$(caps_of CapBnd)" = 0000000000000000 ]
}

@test "a capability not granted cannot be used (chown without CAP_CHOWN)" {
	set_args sh -c 'touch /tmp/f && chown 1000 /tmp/f'
	brig_run "$CT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"ermission"* || "$output" == *"ot permitted"* ]]
}

@test "a granted capability can be used (chown with CAP_CHOWN)" {
	update_config '.process.capabilities.bounding += ["CAP_CHOWN"]
		| .process.capabilities.effective += ["CAP_CHOWN"]
		| .process.capabilities.permitted += ["CAP_CHOWN"]'
	set_args sh -c 'touch /tmp/f && chown 1000 /tmp/f && stat -c %u /tmp/f'
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
}

@test "a non-root user keeps ambient capabilities across exec" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_args cat /proc/self/status
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(caps_of CapEff)" = $DEFAULT_MASK ]
	[ "$(caps_of CapAmb)" = $DEFAULT_MASK ]
}

@test "a non-root user without ambient capabilities has none effective" {
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.capabilities.ambient = []'
	set_args cat /proc/self/status
	brig_run "$CT"
	[ "$status" -eq 0 ]
	[ "$(caps_of CapEff)" = 0000000000000000 ]
	[ "$(caps_of CapPrm)" = 0000000000000000 ]
	[ "$(caps_of CapBnd)" = $DEFAULT_MASK ]
}
