/* The task's cgroups.
 * - Tracking (host pid mode): one cgroup holds every task process, so a stop can end them
 *   all, daemons that double-forked and setsid() included: v2 (cgroup.kill, or freeze then kill) when
 *   a child of the launcher's own v2 cgroup can be made, else the v1 freezer (root).
 * - Devices: v1 `devices` rules allowing only the default devices (root). A v2-only host
 *   would need an eBPF device program, which this launcher does not load: there, as
 *   everywhere, nodev on every mount the task can write keeps made nodes unusable.
 * - Resource limits (reference section 7, item 7): memory hard limit (memory, or
 *   memory_max with memory as the soft limit) and CPU weight, through cgroup v2 when its
 *   controllers are usable, cgroup v1 otherwise. Nothing writable: the task runs anyway
 *   and stderr says the limits are not enforced. Only used when a limit is asked for. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"

#define MiB (1024LL * 1024LL)

/* The launcher's own cgroup path for a v1 controller ("memory", "cpu") or v2 (""). */
static int own_path(const char *controller, char *out, size_t len)
{
	char buf[4096];
	if (read_file("/proc/self/cgroup", buf, sizeof buf) < 0)
		return -1;
	for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *list = c1 + 1;
		int match = 0;
		if (!*controller) {
			match = !*list && strncmp(line, "0:", 2) == 0;
		} else {
			char names[256];
			snprintf(names, sizeof names, "%s", list);
			for (char *s2 = NULL, *n = strtok_r(names, ",", &s2); n; n = strtok_r(NULL, ",", &s2))
				if (strcmp(n, controller) == 0)
					match = 1;
		}
		if (match) {
			snprintf(out, len, "%s", strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

static int put(const char *dir, const char *file, const char *value)
{
	char p[1024];
	if (fmt_path(p, sizeof p, "%s/%s", dir, file) < 0)
		return -1;
	return write_file(p, value);
}

static int has_word(const char *path, const char *word)
{
	char buf[512];
	if (read_file(path, buf, sizeof buf) < 0)
		return 0;
	size_t n = strlen(word);
	for (char *p = buf; (p = strstr(p, word)); p += n)
		if ((p == buf || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

static long long hard_limit_mb(const struct config *c)
{
	if (c->memory_max_mb > 0)
		return c->memory_max_mb;
	if (c->memory_max_mb < 0)
		return -1;  /* unlimited */
	return c->memory_mb;
}

/* runc's mapping of cpu shares (2..262144) to cgroup v2 weight (1..10000) */
static long cpu_weight(long shares)
{
	return 1 + ((shares - 2) * 9999) / 262142;
}

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* SIGKILLs every process listed in dir/cgroup.procs; returns how many were listed. */
static int kill_listed(const char *dir)
{
	char p[1024], buf[65536];
	if (fmt_path(p, sizeof p, "%s/cgroup.procs", dir) < 0 || read_file(p, buf, sizeof buf) < 0)
		return 0;
	int n = 0;
	for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save), n++)
		kill((pid_t)atoi(t), SIGKILL);
	return n;
}

/* Waits until `file` in dir reads `want` (a word of it); 0, or -1 after ~10 s. */
static int wait_word(const char *dir, const char *file, const char *want)
{
	char p[1024], buf[512];
	if (fmt_path(p, sizeof p, "%s/%s", dir, file) < 0)
		return -1;
	for (int i = 0; i < 10000; i++) {
		if (read_file(p, buf, sizeof buf) >= 0 && strstr(buf, want))
			return 0;
		pause_ms(1);
	}
	return -1;
}

/* Waits until no process is left in dir; 0, or -1 after ~10 s. */
static int wait_empty(const char *dir)
{
	char p[1024], buf[64];
	if (fmt_path(p, sizeof p, "%s/cgroup.procs", dir) < 0)
		return -1;
	for (int i = 0; i < 10000; i++) {
		if (read_file(p, buf, sizeof buf) == 0)
			return 0;
		pause_ms(1);
	}
	return -1;
}

/* Freezes the cgroup (nothing in it can fork meanwhile), SIGKILLs what is in it, thaws it,
 * until it is empty. v1 freezer.state, or v2 cgroup.freeze on kernels without cgroup.kill. */
static void freeze_kill(const char *dir, int v2)
{
	const char *file = v2 ? "cgroup.freeze" : "freezer.state";
	for (int round = 0; round < 100; round++) {
		if (put(dir, file, v2 ? "1" : "FROZEN") < 0) {
			msg("warning: freezing cgroup: %s: %s", dir, strerror(errno));
			kill_listed(dir);
			return;
		}
		if (wait_word(dir, v2 ? "cgroup.events" : "freezer.state", v2 ? "frozen 1" : "FROZEN") < 0)
			msg("warning: cgroup %s did not freeze; killing anyway", dir);
		int n = kill_listed(dir);
		if (put(dir, file, v2 ? "0" : "THAWED") < 0)
			msg("warning: thawing cgroup: %s: %s", dir, strerror(errno));
		if (n == 0)
			return;
		pause_ms(1);
	}
}

static void kill_tracked(const char *dir, int version)
{
	if (version == 2 && put(dir, "cgroup.kill", "1") == 0)
		return;
	freeze_kill(dir, version == 2);  /* v1, or v2 before Linux 5.14 */
}

/* Removes nomad-exec-<pid> cgroups left by launchers that were killed before they could
 * clean up (their pid is gone), killing what is still in them (possible only when the
 * launcher and its supervisor were killed at the same moment). */
static void sweep_stale(const char *parent, int track_version)
{
	/* the marker: a cgroup directory's link count is 2 plus its child cgroups (kernfs), so
	 * one stat says whether there is anything to look at; with no other cgroup beside ours
	 * (the usual case) nothing can be stale and the listing is skipped */
	struct stat st;
	if (stat(parent, &st) < 0 || st.st_nlink <= 2)
		return;
	DIR *d = opendir(parent);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "nomad-exec-", 11) != 0)
			continue;
		char *end;
		long pid = strtol(e->d_name + 11, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char p[1024];
		if (fmt_path(p, sizeof p, "%s/%s", parent, e->d_name) < 0)
			continue;
		if (track_version && rmdir(p) < 0 && errno == EBUSY) {
			kill_tracked(p, track_version);
			wait_empty(p);
		}
		rmdir(p);
	}
	closedir(d);
}

/* Enables the controllers the limits need in dir's children. */
static int enable_controllers(const struct config *c, const char *dir)
{
	char path[1024];
	if (fmt_path(path, sizeof path, "%s/cgroup.controllers", dir) < 0)
		return -1;
	if ((c->memory_mb && !has_word(path, "memory")) || (c->cpu_mhz && !has_word(path, "cpu")))
		return -1;
	if ((c->memory_mb && put(dir, "cgroup.subtree_control", "+memory") < 0) ||
	    (c->cpu_mhz && put(dir, "cgroup.subtree_control", "+cpu") < 0))
		return -1;
	/* cores: best effort here (pinning warns by itself when it cannot), so that nomad-exec.slice
	 * offers cpuset to the task's cgroup */
	if (c->cores && has_word(path, "cpuset"))
		put(dir, "cgroup.subtree_control", "+cpuset");
	return 0;
}

static int v2_limits(const struct config *c, const char *dir)
{
	char v[64];
	long long hard = hard_limit_mb(c);
	if (c->memory_mb) {
		if (hard > 0)
			snprintf(v, sizeof v, "%lld", hard * MiB);
		else
			snprintf(v, sizeof v, "max");
		if (put(dir, "memory.max", v) < 0)
			return -1;
		if (put(dir, "memory.swap.max", "0") < 0 && errno != ENOENT)
			return -1;
		if (c->memory_max_mb) {
			snprintf(v, sizeof v, "%lld", c->memory_mb * MiB);
			if (put(dir, "memory.low", v) < 0)
				return -1;
		}
	}
	if (c->cpu_mhz) {
		snprintf(v, sizeof v, "%ld", cpu_weight(c->cpu_mhz < 2 ? 2 : c->cpu_mhz));
		if (put(dir, "cpu.weight", v) < 0)
			return -1;
	}
	return 0;
}

static const char *v2_mount(void)
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
		return "/sys/fs/cgroup";
	if (access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0)
		return "/sys/fs/cgroup/unified";
	return NULL;
}

/* v2: a child of the launcher's own cgroup when that one may have controlled children
 * (delegated and free of other processes), else, as root, a child of nomad-exec.slice
 * at the top of the hierarchy, the way Nomad uses nomad.slice. */
static int try_v2(const struct config *c, struct cgroup *cg)
{
	const char *mount = v2_mount();
	char own[512], parent[1024];
	if (!mount || own_path("", own, sizeof own) < 0)
		return -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (attempt == 0) {
			if (fmt_path(parent, sizeof parent, "%s%s", mount, own) < 0 || enable_controllers(c, parent) < 0)
				continue;
		} else {
			if (geteuid() != 0 || enable_controllers(c, mount) < 0)
				return -1;
			if (fmt_path(parent, sizeof parent, "%s/nomad-exec.slice", mount) < 0 ||
			    (mkdir(parent, 0755) < 0 && errno != EEXIST) || enable_controllers(c, parent) < 0)
				return -1;
		}
		sweep_stale(parent, 2);
		if (fmt_path(cg->mem, sizeof cg->mem, "%s/nomad-exec-%d", parent, (int)getpid()) < 0 ||
		    mkdir(cg->mem, 0755) < 0)
			continue;
		if (v2_limits(c, cg->mem) < 0) {
			rmdir(cg->mem);
			continue;
		}
		/* the child is cloned straight into it (CLONE_INTO_CGROUP): v2 forbids the
		 * launcher from going back to a parent that has controllers enabled */
		cg->v2_fd = open(cg->mem, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (cg->v2_fd < 0) {
			rmdir(cg->mem);
			continue;
		}
		cg->version = 2;
		cg->track_version = 2;
		snprintf(cg->track, sizeof cg->track, "%s", cg->mem);
		return 0;
	}
	cg->mem[0] = '\0';
	return -1;
}

/* A v2 cgroup only to hold the task (no controllers needed: freeze and kill are core v2):
 * a child of the launcher's own cgroup, which rootless works when that one is delegated. */
static int try_v2_track(struct cgroup *cg)
{
	const char *mount = v2_mount();
	char own[512], parent[1024];
	if (!mount || own_path("", own, sizeof own) < 0 ||
	    fmt_path(parent, sizeof parent, "%s%s", mount, own) < 0)
		return -1;
	sweep_stale(parent, 2);
	if (fmt_path(cg->track, sizeof cg->track, "%s/nomad-exec-%d", parent, (int)getpid()) < 0 ||
	    mkdir(cg->track, 0755) < 0)
		goto fail;
	cg->v2_fd = open(cg->track, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (cg->v2_fd < 0) {
		rmdir(cg->track);
		goto fail;
	}
	cg->track_version = 2;
	return 0;
fail:
	cg->track[0] = '\0';
	return -1;
}

/* v1: one directory per controller, under the launcher's own cgroup; the task is moved in
 * right after the clone (cgroup_enter). */
static int v1_dir(const char *controller, char *dir, size_t len, int track_version)
{
	char own[512], parent[1024];
	if (own_path(controller, own, sizeof own) < 0 ||
	    fmt_path(parent, sizeof parent, "/sys/fs/cgroup/%s%s", controller, own) < 0 ||
	    fmt_path(dir, len, "%s/nomad-exec-%d", parent, (int)getpid()) < 0)
		return -1;
	sweep_stale(parent, track_version);
	if (mkdir(dir, 0755) < 0)
		return -1;
	return 0;
}

static int try_v1(const struct config *c, struct cgroup *cg, const char **failed)
{
	char v[64];
	if (c->memory_mb) {
		*failed = "memory";
		if (v1_dir("memory", cg->mem, sizeof cg->mem, 0) < 0)
			return -1;
		long long hard = hard_limit_mb(c);
		snprintf(v, sizeof v, "%lld", hard > 0 ? hard * MiB : -1);
		if (put(cg->mem, "memory.limit_in_bytes", v) < 0)
			goto fail;
		/* no swapping past the limit, when swap accounting exists */
		if (put(cg->mem, "memory.memsw.limit_in_bytes", v) < 0 && errno != ENOENT && errno != EINVAL)
			goto fail;
		if (c->memory_max_mb) {
			snprintf(v, sizeof v, "%lld", c->memory_mb * MiB);
			if (put(cg->mem, "memory.soft_limit_in_bytes", v) < 0)
				goto fail;
		}
	}
	if (c->cpu_mhz) {
		*failed = "cpu";
		if (v1_dir("cpu", cg->cpu, sizeof cg->cpu, 0) < 0)
			goto fail;
		snprintf(v, sizeof v, "%ld", c->cpu_mhz < 2 ? 2 : c->cpu_mhz);
		if (put(cg->cpu, "cpu.shares", v) < 0)
			goto fail;
	}
	cg->version = 1;
	return 0;
fail:;
	int e = errno;
	if (cg->mem[0])
		rmdir(cg->mem);
	if (cg->cpu[0])
		rmdir(cg->cpu);
	cg->mem[0] = cg->cpu[0] = '\0';
	errno = e;
	return -1;
}

/* The default devices (runc's list): null, zero, full, random, urandom, tty, ptmx and the
 * pseudo-terminals; mknod of any node is allowed, opening one is not. */
static const char *const dev_rules[] = {
	"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
	"c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm",
};
#define DEV_SHARED "nomad-exec.devices"

/* dir gets exactly the default device rules. */
static int write_dev_rules(const char *dir)
{
	char p[1024];
	if (put(dir, "devices.deny", "a") < 0 || fmt_path(p, sizeof p, "%s/devices.allow", dir) < 0)
		return -1;
	/* one open for every rule: the kernel takes each write() as one rule */
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < sizeof dev_rules / sizeof dev_rules[0]; i++) {
		size_t len = strlen(dev_rules[i]);
		ssize_t n = write(fd, dev_rules[i], len);
		if (n != (ssize_t)len) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return -1;
		}
	}
	return close(fd);
}

/* 1 when dir (a real directory owned by root) allows exactly the default devices: one read
 * of devices.list, which lists the rules in the order they were written. */
static int has_dev_rules(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	struct stat st;
	int lfd = fstat(dfd, &st) == 0 && st.st_uid == 0 ? openat(dfd, "devices.list", O_RDONLY | O_CLOEXEC) : -1;
	close(dfd);
	if (lfd < 0)
		return 0;
	char want[256], got[512];
	size_t w = 0;
	for (size_t i = 0; i < sizeof dev_rules / sizeof dev_rules[0]; i++)
		w += (size_t)snprintf(want + w, sizeof want - w, "%s\n", dev_rules[i]);
	ssize_t n = read(lfd, got, sizeof got);
	close(lfd);
	return n == (ssize_t)w && memcmp(got, want, w) == 0;
}

/* The rules are the same for every task, so every launcher shares one devices cgroup,
 * nomad-exec.devices beside its own, made once and never removed (as nomad.slice is kept):
 * a run only checks its rules (one read) and joins it, instead of making, filling and
 * removing a cgroup of its own. It is filled under this launcher's own name and then renamed,
 * so nobody ever joins it half written; a launcher killed meanwhile leaves a nomad-exec-<pid>
 * that the sweep removes. A shared cgroup with other rules (changed by hand) is not used. */
static int v1_devices_shared(struct cgroup *cg)
{
	char own[512], parent[1024];
	if (own_path("devices", own, sizeof own) < 0 ||
	    fmt_path(parent, sizeof parent, "/sys/fs/cgroup/devices%s", own) < 0 ||
	    fmt_path(cg->dev, sizeof cg->dev, "%s/" DEV_SHARED, parent) < 0)
		return -1;
	if (has_dev_rules(cg->dev))
		return 0;
	sweep_stale(parent, 0);  /* the copies of creators that were killed */
	char tmp[1024];
	if (fmt_path(tmp, sizeof tmp, "%s/nomad-exec-%d", parent, (int)getpid()) < 0 || mkdir(tmp, 0755) < 0)
		return -1;
	if (write_dev_rules(tmp) < 0 || (rename(tmp, cg->dev) < 0 && errno != EEXIST && errno != ENOTEMPTY)) {
		int e = errno;
		rmdir(tmp);
		errno = e;
		return -1;
	}
	rmdir(tmp);  /* still there when another launcher renamed its copy first */
	return has_dev_rules(cg->dev) ? 0 : -1;
}

/* A devices cgroup of this run's own, when the shared one cannot be used. */
static int v1_devices(struct cgroup *cg)
{
	if (v1_dir("devices", cg->dev, sizeof cg->dev, 0) < 0)
		return -1;
	return write_dev_rules(cg->dev);
}

int cgroup_setup(const struct config *c, struct cgroup *cg)
{
	memset(cg, 0, sizeof *cg);
	cg->v2_fd = -1;
	if (geteuid() == 0 && access("/sys/fs/cgroup/devices/devices.allow", F_OK) == 0 &&
	    v1_devices_shared(cg) == 0) {
		cg->dev_shared = 1;
	} else if (geteuid() == 0 && access("/sys/fs/cgroup/devices/devices.allow", F_OK) == 0 && v1_devices(cg) < 0) {
		msg("warning: device rules are not enforced (%s: %s); nodes made in the task are "
		    "still unusable (nodev)", cg->dev, strerror(errno));
		if (cg->dev[0])
			rmdir(cg->dev);
		cg->dev[0] = '\0';
	}
	int limited = 0;
	if (c->memory_mb || c->cpu_mhz || c->cores) {
		const char *failed = "";
		if (try_v2(c, cg) == 0 || try_v1(c, cg, &failed) == 0) {
			limited = 1;
		} else {
			msg("warning: resource limits are not enforced: no writable cgroup (v2 without the "
			    "needed controllers; v1 %s: %s)", failed, strerror(errno));
		}
	}
	/* private pid mode needs no tracking: the task is PID 1 of its namespace, and the kernel
	 * ends every process in it when that one dies */
	int ret = limited || (!c->memory_mb && !c->cpu_mhz) ? 0 : -1;
	if (c->pid_mode == NS_PRIVATE)
		return ret;
	if (!cg->track_version)
		try_v2_track(cg);
	if (!cg->track_version && geteuid() == 0 &&
	    v1_dir("freezer", cg->track, sizeof cg->track, 1) == 0)
		cg->track_version = 1;
	if (!cg->track_version)
		cg->track[0] = '\0';
	return ret;
}

void cgroup_enter(const struct cgroup *cg)
{
	char tasks[1024];
	const char *dirs[] = {cg->version == 1 ? cg->mem : "", cg->version == 1 ? cg->cpu : "",
			      cg->track_version == 1 ? cg->track : "", cg->dev, cg->cpuset};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!dirs[i][0])
			continue;
		/* "0" in `tasks`: this very thread (the task is single-threaded until its execve); the kernel
		 * then skips the global threadgroup lock whose write side waits for an RCU grace period */
		if (fmt_path(tasks, sizeof tasks, "%s/tasks", dirs[i]) < 0 || write_file(tasks, "0") < 0)
			die_errno(EXIT_INTERNAL, "entering the task's cgroup", dirs[i]);
	}
}

void cgroup_kill_all(const struct cgroup *cg)
{
	if (!cg->track_version || access(cg->track, F_OK) < 0)
		return;  /* none, or already removed by the supervisor */
	kill_tracked(cg->track, cg->track_version);
	if (wait_empty(cg->track) < 0)
		msg("warning: processes of cgroup %s did not end after SIGKILL", cg->track);
}

int cgroup_oom_killed(const struct cgroup *cg)
{
	if (!cg->version || !cg->mem[0])
		return 0;
	char p[1024], buf[2048];
	fmt_path(p, sizeof p, "%s/%s", cg->mem, cg->version == 2 ? "memory.events" : "memory.oom_control");
	if (read_file(p, buf, sizeof buf) < 0)
		return 0;
	char *k = strstr(buf, "oom_kill ");
	return k && atoll(k + 9) > 0;
}

void cgroup_remove(struct cgroup *cg)
{
	if (cg->v2_fd >= 0)
		close(cg->v2_fd);
	cg->v2_fd = -1;
	const int same = strcmp(cg->track, cg->mem) == 0;
	char *dirs[] = {cg->mem, cg->cpu, same ? NULL : cg->track, cg->dev_shared ? NULL : cg->dev, cg->cpuset};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (dirs[i] && dirs[i][0] && rmdir(dirs[i]) < 0 && errno != ENOENT)
			msg("warning: removing cgroup: %s: %s", dirs[i], strerror(errno));
		if (dirs[i])
			dirs[i][0] = '\0';
	}
	cg->track[0] = '\0';
	cg->track_version = 0;
}

/* resources.cores. Nomad's client gives a task whole cores of its own through cpuset and tells it
 * which in NOMAD_CPU_CORES; locally the cores come from what the launcher's cgroup allows, those
 * the fewest other nomad-exec runs are pinned to first (a look at the sibling cgroups, made only
 * when cores are asked for). */
#define MAX_CPUS 1024

/* Parses a cpuset list ("0-3,6") into set[]; -1 when it is not one. */
static int parse_cpus(const char *list, unsigned char *set)
{
	memset(set, 0, MAX_CPUS);
	const char *p = list;
	while (*p && *p != '\n') {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0 || a >= MAX_CPUS)
			return -1;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b >= MAX_CPUS)
				return -1;
			p = end;
		}
		for (long i = a; i <= b; i++)
			set[i] = 1;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	return 0;
}

/* The set in Nomad's (the kernel's) list form, ranges folded: "0-1", "0,2". */
static void format_cpus(const unsigned char *set, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < MAX_CPUS && n < len; i++) {
		if (!set[i])
			continue;
		int j = i;
		while (j + 1 < MAX_CPUS && set[j + 1])
			j++;
		n += (size_t)snprintf(out + n, len - n, j > i ? "%s%d-%d" : "%s%d", n ? "," : "", i, j);
		i = j;
	}
}

/* How many other runs are pinned to each CPU: the cpusets of the nomad-exec-<pid> siblings. */
static void count_pinned(const char *parent, const char *file, int *used)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char p[1024], buf[512];
		unsigned char set[MAX_CPUS];
		if (strncmp(e->d_name, "nomad-exec-", 11) != 0 || atoi(e->d_name + 11) == (int)getpid() ||
		    fmt_path(p, sizeof p, "%s/%s/%s", parent, e->d_name, file) < 0 ||
		    read_file(p, buf, sizeof buf) <= 0 || parse_cpus(buf, set) < 0)
			continue;
		for (int i = 0; i < MAX_CPUS; i++)
			used[i] += set[i];
	}
	closedir(d);
}

/* Chooses n CPUs of `allowed` (a cpuset list), the least used first; -1 with a reason when too few. */
static int choose_cores(const char *allowed, const char *parent, const char *file, int n, char *out, size_t len,
			char *why, size_t why_len)
{
	unsigned char set[MAX_CPUS], pick[MAX_CPUS];
	static int used[MAX_CPUS];
	if (parse_cpus(allowed, set) < 0) {
		snprintf(why, why_len, "cannot read the allowed CPUs '%.*s'", (int)strcspn(allowed, "\n"), allowed);
		return -1;
	}
	int have = 0;
	for (int i = 0; i < MAX_CPUS; i++)
		have += set[i];
	if (have < n) {
		snprintf(why, why_len, "%d core%s asked for, but this cgroup allows only %d CPU%s (%.*s)", n,
			 n == 1 ? "" : "s", have, have == 1 ? "" : "s", (int)strcspn(allowed, "\n"), allowed);
		return -1;
	}
	memset(used, 0, sizeof used);
	count_pinned(parent, file, used);
	memset(pick, 0, sizeof pick);
	for (int k = 0; k < n; k++) {
		int best = -1;
		for (int i = 0; i < MAX_CPUS; i++)
			if (set[i] && !pick[i] && (best < 0 || used[i] < used[best]))
				best = i;
		pick[best] = 1;
	}
	format_cpus(pick, out, len);
	return 0;
}

/* v2: the task's own cgroup (made for its limits) with the cpuset controller enabled in its parent. */
static int pin_v2(const struct config *c, struct cgroup *cg, char *why, size_t why_len)
{
	char parent[512], p[1024], allowed[512];
	snprintf(parent, sizeof parent, "%s", cg->mem);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if (fmt_path(p, sizeof p, "%s/cgroup.controllers", parent) < 0 || !has_word(p, "cpuset")) {
		snprintf(why, why_len, "the cpuset controller is not delegated to %.400s", parent);
		return -1;
	}
	if (put(parent, "cgroup.subtree_control", "+cpuset") < 0 ||
	    fmt_path(p, sizeof p, "%s/cpuset.cpus.effective", parent) < 0 || read_file(p, allowed, sizeof allowed) <= 0) {
		snprintf(why, why_len, "enabling cpuset in %.400s: %s", parent, strerror(errno));
		return -1;
	}
	if (choose_cores(allowed, parent, "cpuset.cpus", c->cores, cg->cores, sizeof cg->cores, why, why_len) < 0)
		return -1;
	if (put(cg->mem, "cpuset.cpus", cg->cores) < 0) {
		snprintf(why, why_len, "writing %.400s/cpuset.cpus: %s", cg->mem, strerror(errno));
		return -1;
	}
	return 0;
}

/* v1: a cpuset cgroup of the task's own (root), its memory nodes those of its parent. */
static int pin_v1(const struct config *c, struct cgroup *cg, char *why, size_t why_len)
{
	char own[512], parent[1024], p[1024], allowed[512], mems[256];
	if (geteuid() != 0 || access("/sys/fs/cgroup/cpuset/cpuset.cpus", F_OK) < 0 || own_path("cpuset", own, sizeof own) < 0)
		return -1;
	if (fmt_path(parent, sizeof parent, "/sys/fs/cgroup/cpuset%s", own) < 0 ||
	    fmt_path(p, sizeof p, "%s/cpuset.effective_cpus", parent) < 0 ||
	    (read_file(p, allowed, sizeof allowed) <= 0 &&
	     (fmt_path(p, sizeof p, "%s/cpuset.cpus", parent) < 0 || read_file(p, allowed, sizeof allowed) <= 0)) ||
	    fmt_path(p, sizeof p, "%s/cpuset.mems", parent) < 0 || read_file(p, mems, sizeof mems) <= 0) {
		snprintf(why, why_len, "reading the cpuset of %.400s: %s", parent, strerror(errno));
		return -1;
	}
	if (choose_cores(allowed, parent, "cpuset.cpus", c->cores, cg->cores, sizeof cg->cores, why, why_len) < 0)
		return -1;
	if (v1_dir("cpuset", cg->cpuset, sizeof cg->cpuset, 0) < 0 || put(cg->cpuset, "cpuset.mems", mems) < 0 ||
	    put(cg->cpuset, "cpuset.cpus", cg->cores) < 0) {
		snprintf(why, why_len, "making the cpuset cgroup %.400s: %s", cg->cpuset, strerror(errno));
		if (cg->cpuset[0])
			rmdir(cg->cpuset);
		cg->cpuset[0] = '\0';
		return -1;
	}
	return 0;
}

void cgroup_pin_cores(const struct config *c, struct cgroup *cg)
{
	char why[600] = "";
	if (cg->version == 2 && pin_v2(c, cg, why, sizeof why) == 0)
		return;
	if (!why[0] && pin_v1(c, cg, why, sizeof why) == 0)
		return;
	cg->cores[0] = '\0';
	if (!why[0])
		snprintf(why, sizeof why, "%s", c->rootless ? "rootless, and no delegated cgroup v2 with the cpuset controller"
						       : "no cpuset controller (cgroup v2 or v1) is writable");
	msg("warning: cores are not pinned (%s); the task runs on every CPU", why);
}
