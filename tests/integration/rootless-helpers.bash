# rootless-helpers.bash - root prepares a case, then brig runs as an
# unprivileged uid (setpriv) with a user namespace mapping it to root.
# Loaded after helpers.bash by rootless*.bats; these tests need root to
# set up, so they skip when the whole suite already runs rootless.

RL_UID=4242

# rl_setup: a bundle and an XDG_RUNTIME_DIR the uid can use, and a config
# mapping the uid (only) to root.
rl_setup() {
	requires_brig
	if is_rootless; then
		skip "sets up as root, then drops to an unprivileged uid"
	fi
	common_setup
	RL_DIR=$(mktemp -d /tmp/brig-rl.XXXXXX)
	chmod 755 "$RL_DIR"
	mv "$BUNDLE" "$RL_DIR/bundle"
	BUNDLE=$RL_DIR/bundle
	mkdir -m 700 "$RL_DIR/xdg"
	chown "$RL_UID:$RL_UID" "$RL_DIR/xdg"
	update_config '
		.linux.namespaces |= (map(select(.type != "user")) + [{type: "user"}])
		| .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}]
		| .linux.gidMappings = [{containerID: 0, hostID: $u, size: 1}]
		| .mounts |= map(if .type == "devpts"
			then .options |= map(select(. != "gid=5")) else . end)' \
		--argjson u "$RL_UID"
}

rl_teardown() {
	if [ -n "${RL_DIR:-}" ]; then
		for id in $(as_user "$BRIG" list -q 2>/dev/null); do
			as_user "$BRIG" delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	common_teardown
	[ -z "${RL_DIR:-}" ] || rm -rf "$RL_DIR"
}

# as_user CMD...: run CMD as $RL_UID with a clean environment.
as_user() {
	setpriv --reuid="$RL_UID" --regid="$RL_UID" --clear-groups -- \
		env -i PATH="$PATH" XDG_RUNTIME_DIR="$RL_DIR/xdg" \
		BRIG_HELPER_DIR="$BRIG_HELPER_DIR" "$@"
}
