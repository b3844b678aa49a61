#!/usr/bin/env bats
# invalid-config.bats - every testdata/invalid/NN-name.json is refused by
# create with the message in NN-name.expect, and leaves nothing behind.

load helpers

@test "invalid configs: create fails, says why, leaves nothing" {
	local dir=$BATS_TEST_DIRNAME/testdata/invalid f name expect bad=() accepted=()
	compgen -G "$dir/*.json" >/dev/null || skip "no invalid configs yet"
	for f in "$dir"/*.json; do
		name=$(basename "$f" .json)
		cp "$f" "$BUNDLE/config.json"
		run create_ct "$CT"
		if [ "$status" -eq 0 ]; then
			accepted+=("$name")
			rt delete -f "$CT" >/dev/null 2>&1 || true
		elif is_brig && [ -f "$dir/$name.expect" ]; then
			expect=$(head -n 1 "$dir/$name.expect")
			if ! grep -qF -- "$expect" "$TEST_DIR/$CT.err"; then
				bad+=("$name: wanted \"$expect\", got: $(ct_err "$CT" | head -n 3)")
			elif ! grep -q '^brig: ' "$TEST_DIR/$CT.err"; then
				bad+=("$name: not a \"brig: ...\" line: $(ct_err "$CT" | head -n 3)")
			fi
		fi
		if ! state_dir_empty; then
			bad+=("$name: left state: $(ls -A "$ROOT")")
			rt delete -f "$CT" >/dev/null 2>&1 || true
			rm -rf "${ROOT:?}/$CT"
		fi
		if [ -n "$(test_pids)" ]; then
			no_test_pids || bad+=("$name: left processes: $(test_pids)")
		fi
		if [ "$(test_mounts)" != "$MOUNTS_BEFORE" ]; then
			bad+=("$name: left mounts: $(test_mounts)")
		fi
	done
	if [ ${#accepted[@]} -gt 0 ]; then
		echo "accepted by $RUNTIME: ${accepted[*]}"
		# runc validates less than brig; brig must refuse every one.
		if is_brig; then
			bad+=("accepted: ${accepted[*]}")
		fi
	fi
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]}"
		false
	fi
}
