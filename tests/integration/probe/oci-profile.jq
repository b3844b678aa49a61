# oci-profile.jq - containers-common's seccomp.json (the profile podman
# ships, /usr/share/containers/seccomp.json) to the linux.seccomp object
# of a runtime-spec config, as podman does before it calls the runtime:
# x86_64 with its sub-architectures and podman's default capabilities.
#   jq -f oci-profile.jq /usr/share/containers/seccomp.json
def caps: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
           "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
           "CAP_SYS_CHROOT"];
def arches: ["amd64", "x86", "x32"];
def meets($xs; $set): [$xs[] | select(. as $x | $set | index($x))] | length > 0;
def wanted($inc; $exc; $set):
	(($inc // []) | length == 0 or meets(.; $set)) and
	(($exc // []) | length == 0 or (meets(.; $set) | not));
{
	defaultAction,
	defaultErrnoRet,
	architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	syscalls: [.syscalls[]
		| select(wanted(.includes.caps; .excludes.caps; caps))
		| select(wanted(.includes.arches; .excludes.arches; arches))
		| {names, action}
		  + (if .errnoRet then {errnoRet} else {} end)
		  + (if (.args // []) | length > 0
		     then {args: [.args[] | {index, value, valueTwo, op}]} else {} end)]
}
