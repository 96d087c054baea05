/* Capability names and how the task's set is applied (reference section 3, "Applying"):
 * a user other than root gets the set as bounding, permitted, inheritable and ambient,
 * so it is effective after execve; user root gets the fixed legacy list instead.
 * Raw capget/capset/prctl: no libcap needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"

/* Kernel order: index = capability number. */
const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
const int cap_count = (int)(sizeof cap_names / sizeof cap_names[0]);

int cap_from_name(const char *name)
{
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	for (int i = 0; i < cap_count; i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return i;
	return -1;
}

int parse_caps(const char *list, uint64_t *out)
{
	uint64_t set = 0;
	char buf[2048];
	if (strlen(list) >= sizeof buf) {
		msg("--caps: list too long");
		return -1;
	}
	strcpy(buf, list);
	for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int n = cap_from_name(tok);
		if (n < 0) {
			msg("--caps: unknown capability '%s'", tok);
			return -1;
		}
		set |= 1ULL << n;
	}
	*out = set;
	return 0;
}

/* The exec driver's default allow_caps: Docker's default set without net_raw. */
uint64_t cap_default_set(void)
{
	static const char *const names[] = {"audit_write", "chown", "dac_override", "fowner",
		"fsetid", "kill", "mknod", "net_bind_service", "setfcap", "setgid", "setpcap",
		"setuid", "sys_chroot"};
	uint64_t set = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		set |= 1ULL << cap_from_name(names[i]);
	return set;
}

/* user = "root": chown .. audit_read, i.e. capabilities 0..37. */
uint64_t cap_legacy_root_set(void)
{
	return (1ULL << 38) - 1;
}

static int last_cap(void)
{
	int n = 0;
	while (n < 64 && prctl(PR_CAPBSET_READ, n, 0, 0, 0) >= 0)
		n++;
	return n - 1;
}

static void names_of(uint64_t set, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			 i < cap_count ? cap_names[i] : "?");
	}
}

void apply_caps(const struct config *c)
{
	int root_user = strcmp(c->user, "root") == 0;
	uint64_t want = root_user ? cap_legacy_root_set() : c->caps;
	int last = last_cap();
	if (last < 63)
		want &= (1ULL << (last + 1)) - 1;  /* the kernel does not know the rest */

	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		die_errno(EXIT_CREDS, "reading the launcher's capabilities (capget)", NULL);
	uint64_t have = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	if (want & ~have) {
		/* e.g. a container that started the launcher without sys_resource: the task
		 * cannot get what the launcher does not hold; say so rather than fail */
		char names[1024];
		names_of(want & ~have, names, sizeof names);
		msg("warning: the launcher lacks capabilities %s; the task runs without them", names);
		want &= have;
	}

	for (int i = 0; i <= last; i++)
		if (!(want >> i & 1) && prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0) {
			char what[64];
			snprintf(what, sizeof what, "%s", i < cap_count ? cap_names[i] : "?");
			die_errno(EXIT_CREDS, "dropping capability from the bounding set", what);
		}

	if (!c->rootless && getuid() != c->uid) {
		/* keep the permitted set across the uid change; effective is rebuilt by capset */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			die_errno(EXIT_CREDS, "prctl(PR_SET_KEEPCAPS)", NULL);
	}
	if (!c->rootless) {
		if (setgroups(0, NULL) < 0)
			die_errno(EXIT_CREDS, "clearing supplementary groups (setgroups)", NULL);
		if (setresgid(c->gid, c->gid, c->gid) < 0)
			die_errno(EXIT_CREDS, "switching group (setresgid)", c->user);
		if (setresuid(c->uid, c->uid, c->uid) < 0)
			die_errno(EXIT_CREDS, "switching user (setresuid)", c->user);
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			die_errno(EXIT_CREDS, "prctl(PR_SET_KEEPCAPS)", NULL);
	}

	uint64_t inh = root_user ? 0 : want;
	data[0].effective = data[0].permitted = (uint32_t)want;
	data[1].effective = data[1].permitted = (uint32_t)(want >> 32);
	data[0].inheritable = (uint32_t)inh;
	data[1].inheritable = (uint32_t)(inh >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		die_errno(EXIT_CREDS, "setting capabilities (capset)", NULL);

	if (!root_user) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
			die_errno(EXIT_CREDS, "clearing ambient capabilities", NULL);
		for (int i = 0; i <= last; i++)
			if ((want >> i & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
				die_errno(EXIT_CREDS, "raising ambient capability", cap_names[i]);
	}
}
