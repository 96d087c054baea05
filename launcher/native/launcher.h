/* nomad-exec-launcher: runs one command the way Nomad's exec driver would.
 * Shared declarations. The whole program state lives in one struct config,
 * filled from argv and passed explicitly; there is no other global state. */
#ifndef NOMAD_EXEC_LAUNCHER_H
#define NOMAD_EXEC_LAUNCHER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes for the launcher's own failures (documented in launcher/README.md).
 * Anything else is the task's exit code, or 128+N when signal N killed it. */
enum launcher_exit {
	EXIT_USAGE = 120,      /* bad argv */
	EXIT_USER = 121,       /* user lookup failed */
	EXIT_NAMESPACE = 122,  /* clone, user namespace maps */
	EXIT_MOUNT = 123,      /* building the task root: mounts, mount points, pivot_root */
	EXIT_CREDS = 124,      /* switching user, capabilities, parent death signal */
	EXIT_WORKDIR = 125,    /* work_dir missing or not enterable */
	EXIT_NOEXEC = 126,     /* command found but could not be executed */
	EXIT_NOTFOUND = 127,   /* command not found inside the task root */
	EXIT_INTERNAL = 119,   /* supervision: fork, wait, signals, polling */
	EXIT_CONTAIN = 118,    /* host pid mode without a way to end every task process */
};

struct cgroup;

struct bind {
	const char *src;  /* host path */
	const char *dst;  /* path inside the task root */
	int read_only;
};

enum ns_mode { NS_PRIVATE, NS_HOST };

struct config {
	const char *root;          /* host task dir; becomes / */
	const char *alloc_dir;     /* host alloc dir; bound at /alloc (may be NULL) */
	struct bind *binds;
	size_t nbinds;
	enum ns_mode pid_mode;
	enum ns_mode ipc_mode;
	uint64_t caps;             /* task capability set (bit n = capability n) */
	const char *user;          /* task user name, looked up in the host /etc/passwd */
	uid_t uid;                 /* filled by lookup */
	gid_t gid;
	const char *work_dir;      /* inside the new root */
	char **env;                /* NULL-terminated, the task's whole environment */
	size_t nenv;
	int kill_signal;
	long kill_timeout_ms;
	long long memory_mb;       /* 0 = not given */
	long long memory_max_mb;   /* 0 = not given, -1 = unlimited */
	long cpu_mhz;              /* 0 = not given */
	int cores;                 /* resources.cores: pin to this many CPUs (0 = not given) */
	int no_pivot_root;
	int stop_fd;               /* -1 = none */
	int info_fd;               /* -1 = none */
	char **argv;               /* command and args */
	int rootless;              /* launcher not running as uid 0: use a user namespace */
	int raw;                   /* --raw: no isolation (raw_exec), the task leads its own session */
	uid_t outer_uid;
	gid_t outer_gid;
};

/* util.c */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die_errno(int code, const char *step, const char *path) __attribute__((noreturn));
void die_msg(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
int write_file(const char *path, const char *data);   /* 0 or -1 with errno */
int read_file(const char *path, char *buf, size_t len); /* bytes read or -1 */
int lookup_user(const char *name, uid_t *uid, gid_t *gid); /* 0, or -1 if unknown */
int parse_signal(const char *s);  /* signal number, or -1 */
/* snprintf for paths: -1 with ENAMETOOLONG instead of silently cutting a path short */
int fmt_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* caps.c */
extern const char *const cap_names[];
extern const int cap_count;
int cap_from_name(const char *name);                  /* -1 if unknown */
int parse_caps(const char *list, uint64_t *out);       /* 0, or -1 (unknown name printed) */
uint64_t cap_default_set(void);
uint64_t cap_legacy_root_set(void);
void apply_caps(const struct config *c);               /* exits EXIT_CREDS on failure */

/* sandbox.c: runs in the cloned child; never returns */
void sandbox_enter(const struct config *c, const struct cgroup *cg, int err_fd, int alive_fd, const sigset_t *orig_mask)
	__attribute__((noreturn));
extern int sandbox_err_fd;  /* where a failing child reports its exit code; -1 outside it */
/* --raw: the forked child of a raw_exec task (no namespaces); never returns */
void raw_enter(const struct config *c, int err_fd, int alive_fd, const sigset_t *orig_mask)
	__attribute__((noreturn));

/* cgroup.c */
struct cgroup {
	int version;          /* of the limits: 0 = none, 1, 2 */
	char mem[512];        /* v1 memory dir or v2 dir */
	char cpu[512];        /* v1 cpu dir (v2: same as mem) */
	int v2_fd;            /* v2: directory fd for CLONE_INTO_CGROUP, else -1 */
	int track_version;    /* what holds every task process: 0 = nothing, 1 = v1 freezer, 2 = v2 */
	char track[512];      /* the v2 dir (also mem when v2 limits) or the v1 freezer dir */
	char cpuset[512];     /* v1 cpuset dir pinning the task to its cores, or "" (v2: in mem) */
	char cores[256];      /* the pinned CPUs in cpuset list form ("0-1", "0,2"), or "" */
	char dev[512];        /* v1 devices dir with the task's device rules, or "" */
	int dev_shared;       /* dev is the shared nomad-exec.devices: joined, never removed */
};
/* Creates the task's cgroups: device rules (v1 devices), one that holds every task process
 * (v2, or the v1 freezer), and the resource limits when asked. Nothing is joined yet.
 * Returns 0 when the limits are enforced, -1 when not (a warning was printed). */
int cgroup_setup(const struct config *c, struct cgroup *cg);
/* v1: the cloned task moves itself into the v1 dirs, first thing (before its root is built), so the
 * launcher never joins and leaves them; a failure ends the task before its execve. */
void cgroup_enter(const struct cgroup *cg);
/* Pins the task to c->cores CPUs (v2 cpuset in the task's cgroup, else a v1 cpuset), preferring
 * CPUs other nomad-exec runs are not pinned to; fills cg->cores. A warning says why not. */
void cgroup_pin_cores(const struct config *c, struct cgroup *cg);
/* SIGKILLs every process in the tracking cgroup (freezing it first where the kernel has no
 * cgroup.kill) and waits until it is empty. No-op without one. */
void cgroup_kill_all(const struct cgroup *cg);
int cgroup_oom_killed(const struct cgroup *cg);
void cgroup_remove(struct cgroup *cg);

#endif
