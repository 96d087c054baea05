/* nomad-exec-launcher: argv parsing and supervision.
 *
 * Process layout
 *   private pid mode:  launcher ── task (PID 1 of a new pid namespace)
 *   host pid mode:     launcher ── supervisor (child subreaper) ── task ── ...
 *
 * The supervisor is the process that clones the task and waits for it; in private pid
 * mode it is the launcher itself. No task process outlives the run:
 *   - private: the task has PR_SET_PDEATHSIG=SIGKILL; when PID 1 of a pid namespace
 *     dies the kernel kills every other process in it.
 *   - host: the supervisor is a child subreaper, so every orphaned descendant of the
 *     task becomes its child; when the task exits, or the launcher dies (even by
 *     SIGKILL: a pipe to the launcher hangs up), it kills all its descendants and
 *     reaps them before exiting. The launcher is a subreaper too, so descendants are
 *     also caught if the supervisor alone is killed.
 * See launcher/README.md for the argv interface and exit codes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void usage(const char *why) __attribute__((noreturn));
static void usage(const char *why)
{
	msg("%s (see launcher/README.md for the argument list)", why);
	_exit(EXIT_USAGE);
}

static const char *need(int argc, char **argv, int i, int n)
{
	if (i + n >= argc) {
		char m[128];
		snprintf(m, sizeof m, "%s needs %d argument%s", argv[i], n, n > 1 ? "s" : "");
		usage(m);
	}
	return argv[i + 1];
}

static long long number(const char *opt, const char *s, long long min)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || !*s || *end || v < min) {
		char m[160];
		snprintf(m, sizeof m, "%s: '%s' is not an integer >= %lld", opt, s, min);
		usage(m);
	}
	return v;
}

static int fd_arg(const char *opt, const char *s)
{
	int fd = (int)number(opt, s, 0);
	/* keep it out of the task */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		char m[160];
		snprintf(m, sizeof m, "%s %d: %s", opt, fd, strerror(errno));
		usage(m);
	}
	return fd;
}

static enum ns_mode ns_arg(const char *opt, const char *s)
{
	if (strcmp(s, "private") == 0)
		return NS_PRIVATE;
	if (strcmp(s, "host") == 0)
		return NS_HOST;
	char m[128];
	snprintf(m, sizeof m, "%s must be private or host, not '%s'", opt, s);
	usage(m);
}

/* The task's environment: NUL-separated KEY=VALUE records read to end of file from
 * --env-fd, before anything else happens. Never argv, which every local user can read
 * in /proc/<pid>/cmdline (template env = true files hold secrets). */
#define ENV_MAX (64 << 20)
static void read_env(int fd, struct config *c)
{
	size_t cap = 0, len = 0;
	char *buf = NULL;
	while (fd >= 0) {
		/* grown only when full: an environment under 64 KiB is one read, then end of file */
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > ENV_MAX)
				usage("--env-fd: more than 64 MiB of environment");
			if (!(buf = realloc(buf, cap + 1)))
				die_errno(EXIT_INTERNAL, "allocating", NULL);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			char m[160];
			snprintf(m, sizeof m, "--env-fd %d: %s", fd, strerror(errno));
			usage(m);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd > 2 && close(fd) < 0)
		die_errno(EXIT_INTERNAL, "closing --env-fd", NULL);
	size_t n = 0;
	for (size_t k = 0; k < len; k++)
		n += buf[k] == '\0';
	/* room for a last record without its NUL, the NULL, and one set_env() */
	c->env = calloc(n + 3, sizeof *c->env);
	if (!c->env)
		die_errno(EXIT_INTERNAL, "allocating", NULL);
	if (buf)
		buf[len] = '\0';  /* a last record without its NUL */
	for (size_t k = 0; k < len; k += strlen(buf + k) + 1) {
		if (!strchr(buf + k, '=') || buf[k] == '=')
			usage("--env-fd: every record must be KEY=VALUE");
		c->env[c->nenv++] = buf + k;
	}
	c->env[c->nenv] = NULL;
}

/* Sets one variable of the task's environment (read_env left room for one more). */
static void set_env(struct config *c, const char *key, const char *value)
{
	size_t klen = strlen(key);
	char *rec = malloc(klen + strlen(value) + 2);
	if (!rec)
		die_errno(EXIT_INTERNAL, "allocating", NULL);
	sprintf(rec, "%s=%s", key, value);
	for (size_t i = 0; i < c->nenv; i++)
		if (strncmp(c->env[i], key, klen) == 0 && c->env[i][klen] == '=') {
			c->env[i] = rec;
			return;
		}
	c->env[c->nenv++] = rec;
	c->env[c->nenv] = NULL;
}

static void parse_args(int argc, char **argv, struct config *c)
{
	memset(c, 0, sizeof *c);
	c->pid_mode = c->ipc_mode = NS_PRIVATE;
	c->caps = cap_default_set();
	c->user = "nobody";
	c->work_dir = "/";
	c->kill_signal = SIGINT;
	c->kill_timeout_ms = 5000;
	c->stop_fd = c->info_fd = -1;
	/* argc bounds how many binds and env entries there can be */
	c->binds = calloc((size_t)argc, sizeof *c->binds);
	if (!c->binds)
		die_errno(EXIT_INTERNAL, "allocating", NULL);
	int env_fd = -1;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--root") == 0) {
			c->root = need(argc, argv, i++, 1);
		} else if (strcmp(a, "--alloc-dir") == 0) {
			c->alloc_dir = need(argc, argv, i++, 1);
		} else if (strcmp(a, "--ro-bind") == 0 || strcmp(a, "--bind") == 0) {
			need(argc, argv, i, 2);
			struct bind *b = &c->binds[c->nbinds++];
			b->src = argv[i + 1];
			b->dst = argv[i + 2];
			b->read_only = a[2] == 'r';
			if (b->src[0] != '/' || b->dst[0] != '/')
				usage("bind paths must be absolute");
			i += 2;
		} else if (strcmp(a, "--pid") == 0) {
			c->pid_mode = ns_arg(a, need(argc, argv, i++, 1));
		} else if (strcmp(a, "--ipc") == 0) {
			c->ipc_mode = ns_arg(a, need(argc, argv, i++, 1));
		} else if (strcmp(a, "--caps") == 0) {
			if (parse_caps(need(argc, argv, i++, 1), &c->caps) < 0)
				_exit(EXIT_USAGE);
		} else if (strcmp(a, "--user") == 0) {
			c->user = need(argc, argv, i++, 1);
		} else if (strcmp(a, "--chdir") == 0) {
			c->work_dir = need(argc, argv, i++, 1);
			if (c->work_dir[0] != '/')
				usage("--chdir must be an absolute path inside the task root");
		} else if (strcmp(a, "--env-fd") == 0) {
			env_fd = (int)number(a, need(argc, argv, i++, 1), 0);
		} else if (strcmp(a, "--kill-signal") == 0) {
			c->kill_signal = parse_signal(need(argc, argv, i++, 1));
			if (c->kill_signal < 0)
				usage("--kill-signal: unknown signal");
		} else if (strcmp(a, "--kill-timeout") == 0) {
			c->kill_timeout_ms = (long)number(a, need(argc, argv, i++, 1), 0);
		} else if (strcmp(a, "--memory") == 0) {
			c->memory_mb = number(a, need(argc, argv, i++, 1), 1);
		} else if (strcmp(a, "--memory-max") == 0) {
			c->memory_max_mb = number(a, need(argc, argv, i++, 1), -1);
		} else if (strcmp(a, "--cpu") == 0) {
			c->cpu_mhz = (long)number(a, need(argc, argv, i++, 1), 1);
		} else if (strcmp(a, "--cores") == 0) {
			c->cores = (int)number(a, need(argc, argv, i++, 1), 1);
		} else if (strcmp(a, "--raw") == 0) {
			c->raw = 1;
		} else if (strcmp(a, "--no-pivot-root") == 0) {
			c->no_pivot_root = 1;
		} else if (strcmp(a, "--stop-fd") == 0) {
			c->stop_fd = fd_arg(a, need(argc, argv, i++, 1));
		} else if (strcmp(a, "--info-fd") == 0) {
			c->info_fd = fd_arg(a, need(argc, argv, i++, 1));
		} else {
			char m[300];
			snprintf(m, sizeof m, "unknown option '%.200s'", a);
			usage(m);
		}
	}
	if (c->raw && (c->root || c->alloc_dir || c->nbinds || c->memory_mb || c->cpu_mhz || c->cores))
		usage("--raw runs the command as it is on the host: no --root, --alloc-dir, binds or limits");
	if (!c->root && !c->raw)
		usage("--root is required");
	if (c->root && c->root[0] != '/')
		usage("--root must be an absolute path");
	if (c->alloc_dir && c->alloc_dir[0] != '/')
		usage("--alloc-dir must be an absolute path");
	if (i >= argc)
		usage("no command after --");
	if (c->memory_max_mb && !c->memory_mb)
		usage("--memory-max needs --memory");
	c->argv = argv + i;
	read_env(env_fd, c);
	c->outer_uid = geteuid();
	c->outer_gid = getegid();
	c->rootless = c->outer_uid != 0;
	if (!c->raw && lookup_user(c->user, &c->uid, &c->gid) < 0)
		die_msg(EXIT_USER, "user %s: not found in the host /etc/passwd (%s)", c->user, strerror(errno));
}

static void info(const struct config *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void info(const struct config *c, const char *fmt, ...)
{
	if (c->info_fd < 0)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof buf - 1)
		return;  /* cannot happen with these formats; never send a cut line */
	buf[n] = '\n';
	if (write(c->info_fd, buf, (size_t)n + 1) < 0) { /* the reader went away */ }
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_INTERNAL;
}

/* SIGKILLs every child (returns how many): from /proc/self/task/<tid>/children when the kernel has it,
 * else by scanning every process's parent in /proc. */
static int kill_children(void)
{
	char path[64], buf[8192];
	int killed = 0;
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	if (read_file(path, buf, sizeof buf) >= 0 && strlen(buf) + 1 < sizeof buf) {
		for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
			killed += kill((pid_t)atoi(t), SIGKILL) == 0;
		if (killed)
			return killed;
		/* the kernel documents this list as best effort: look the slow way */
	}
	DIR *d = opendir("/proc");
	if (!d)
		die_errno(EXIT_INTERNAL, "listing processes", "/proc");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char p[300], stat[512];
		snprintf(p, sizeof p, "/proc/%s/stat", e->d_name);
		if (read_file(p, stat, sizeof stat) < 0)
			continue;
		char *rp = strrchr(stat, ')');  /* comm may contain spaces and parens */
		int ppid;
		char state;
		if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == (int)getpid())
			killed += kill((pid_t)atoi(e->d_name), SIGKILL) == 0;
	}
	closedir(d);
	return killed;
}

/* SIGKILLs every descendant and reaps until none is left. Only meaningful in a
 * subreaper: orphans of killed processes become our children, and the loop goes on
 * until waitpid says there are no children at all. */
static void kill_descendants(void)
{
	for (;;) {
		int st;
		pid_t r = waitpid(-1, &st, WNOHANG);
		if (r > 0)
			continue;
		if (r < 0 && errno == ECHILD)
			return;  /* the usual case: nothing left, no need to look further */
		if (r < 0 && errno != EINTR)
			die_errno(EXIT_INTERNAL, "waitpid", NULL);
		if (kill_children() == 0) {
			/* a child exists but was not found yet (it is being reparented): look again,
			 * rather than block on a child nobody killed */
			sched_yield();
			continue;
		}
		r = waitpid(-1, &st, 0);
		if (r < 0 && errno == ECHILD)
			return;
		if (r < 0 && errno != EINTR)
			die_errno(EXIT_INTERNAL, "waitpid", NULL);
	}
}

/* Blocks the signals the launcher handles (saving the caller's mask in *orig for the
 * task), as the first thing, so none of them can take the default action meanwhile. */
static void block_signals(sigset_t *orig)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGPIPE);  /* a closed info fd must not kill the supervisor */
	if (sigprocmask(SIG_BLOCK, &set, orig) < 0)
		die_errno(EXIT_INTERNAL, "blocking signals", NULL);
}

static int make_signalfd(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die_errno(EXIT_INTERNAL, "signalfd", NULL);
	return fd;
}

static int is_forwarded(int sig)
{
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		if (forwarded[i] == sig)
			return 1;
	return 0;
}

/* The kill signal or SIGKILL to the task: a raw task's whole process group (it leads one). */
static void signal_task(const struct config *c, pid_t task, int sig)
{
	if (c->raw && kill(-task, sig) == 0)
		return;
	kill(task, sig);  /* its setsid() may not have happened yet */
}

static pid_t clone_task(const struct config *c, const struct cgroup *cg)
{
	uint64_t flags = CLONE_NEWNS;
	if (c->rootless)
		flags |= CLONE_NEWUSER;
	if (c->pid_mode == NS_PRIVATE)
		flags |= CLONE_NEWPID;
	if (c->ipc_mode == NS_PRIVATE)
		flags |= CLONE_NEWIPC;
	if (c->raw)
		flags = 0;  /* a plain fork */
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	if (cg->v2_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cg->v2_fd;
	}
	/* fork-like clone (no new stack): the child continues below with its own copy */
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && errno == ENOSYS && cg->v2_fd < 0)
		pid = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		char what[64];
		snprintf(what, sizeof what, "flags 0x%llx", (unsigned long long)flags);
		die_errno(EXIT_NAMESPACE, "creating namespaces (clone)", what);
	}
	return (pid_t)pid;
}

/* Starts the task and supervises it until it and (in host pid mode) all its
 * descendants are gone. `launcher_fd` hangs up when the launcher dies (-1 when the
 * supervisor is the launcher). Returns the launcher's exit code. */
static int supervise(const struct config *c, struct cgroup *cg, int launcher_fd, const sigset_t *orig)
{
	int sfd = make_signalfd();

	int errp[2], alive[2];
	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(alive, O_CLOEXEC) < 0)
		die_errno(EXIT_INTERNAL, "pipe", NULL);
	pid_t task = clone_task(c, cg);
	if (task == 0) {
		close(errp[0]);
		close(alive[1]);
		close(sfd);
		if (c->raw)
			raw_enter(c, errp[1], alive[0], orig);
		sandbox_enter(c, cg, errp[1], alive[0], orig);
	}
	close(errp[1]);
	close(alive[0]);
	info(c, "{\"child-pid\": %d}", (int)task);
	/* so that the runner can still end the task should the launcher and its supervisor both
	 * be killed (rootless in host pid mode the task itself could do that) */
	if (cg->track_version == 2 && !strpbrk(cg->track, "\"\\\n"))
		info(c, "{\"cgroup\": \"%s\"}", cg->track);

	int task_done = 0, task_status = 0, setup_code = -1;
	int err_open = 1, stop_open = c->stop_fd >= 0, launcher_open = launcher_fd >= 0;
	long deadline = -1;  /* when the stop escalates to SIGKILL */
	long stop_at = -1;
	while (!task_done) {
		struct pollfd pfd[4];
		int n = 0;
		pfd[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		int ierr = err_open ? n : -1;
		if (err_open)
			pfd[n++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
		int istop = stop_open ? n : -1;
		if (stop_open)
			pfd[n++] = (struct pollfd){.fd = c->stop_fd, .events = POLLIN};
		int ilaunch = launcher_open ? n : -1;
		if (launcher_open)
			pfd[n++] = (struct pollfd){.fd = launcher_fd, .events = POLLIN};
		int timeout = -1;
		if (deadline >= 0) {
			long left = deadline - now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		int r = poll(pfd, (nfds_t)n, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die_errno(EXIT_INTERNAL, "poll", NULL);
		if (deadline >= 0 && now_ms() >= deadline) {
			signal_task(c, task, SIGKILL);
			deadline = -1;
			/* the runner tells a stop the kill signal ended from one that needed SIGKILL */
			info(c, "{\"escalated-after-ms\": %ld}", now_ms() - stop_at);
		}
		if (ierr >= 0 && pfd[ierr].revents) {
			unsigned char b;
			ssize_t got = read(errp[0], &b, 1);
			if (got == 1)
				setup_code = b;
			else
				info(c, "{\"exec\": true}");
			err_open = 0;
		}
		if (istop >= 0 && pfd[istop].revents) {
			/* a byte or end of file both mean stop: a runner that dies stops its task */
			char b[64];  /* take what was written, so a socket closes without a reset */
			if (read(c->stop_fd, b, sizeof b) < 0 && errno == EAGAIN)
				continue;
			stop_open = 0;
			stop_at = now_ms();
			int sig = (c->kill_timeout_ms == 0 || c->kill_signal == SIGKILL) ? SIGKILL : c->kill_signal;
			signal_task(c, task, sig);
			info(c, "{\"stop-signal\": %d}", sig);
			if (sig != SIGKILL)
				deadline = stop_at + c->kill_timeout_ms;
		}
		if (ilaunch >= 0 && pfd[ilaunch].revents) {
			/* the launcher is gone: nobody is left to report to, end everything now */
			launcher_open = 0;
			signal_task(c, task, SIGKILL);
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == sizeof si) {
				if (is_forwarded((int)si.ssi_signo))
					signal_task(c, task, (int)si.ssi_signo);
			}
			int st;
			pid_t w;
			while ((w = waitpid(-1, &st, WNOHANG)) > 0)
				if (w == task) {
					task_done = 1;
					task_status = st;
				}
		}
	}
	if (err_open) {
		/* the child is gone, so its end is closed: this read cannot block */
		unsigned char b;
		if (read(errp[0], &b, 1) == 1)
			setup_code = b;
	}
	/* what the task left behind: daemons in host pid mode, a dying namespace otherwise */
	cgroup_kill_all(cg);
	if (c->raw)
		kill(-task, SIGKILL);  /* what it left in its group */
	if (c->pid_mode == NS_HOST || c->raw)
		kill_descendants();
	int oom = cgroup_oom_killed(cg);
	cgroup_remove(cg);
	if (setup_code >= 0) {
		info(c, "{\"setup-failed\": %d}", setup_code);
		return setup_code;
	}
	int code = status_code(task_status);
	if (oom) {
		long long hard = c->memory_max_mb > 0 ? c->memory_max_mb : c->memory_mb;
		msg("task was killed for running out of memory (limit %lld MiB)", hard);
	}
	if (WIFSIGNALED(task_status))
		info(c, "{\"exit-code\": %d, \"signal\": %d, \"oom-killed\": %s}", code,
		     WTERMSIG(task_status), oom ? "true" : "false");
	else
		info(c, "{\"exit-code\": %d, \"oom-killed\": %s}", code, oom ? "true" : "false");
	return code;
}

/* Host pid mode: the launcher only relays signals to the supervisor and reports its
 * exit code; being a subreaper itself it also cleans up if the supervisor is killed. */
static int relay(pid_t sup, struct cgroup *cg)
{
	int sfd = make_signalfd();
	for (;;) {
		struct pollfd pfd = {.fd = sfd, .events = POLLIN};
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(EXIT_INTERNAL, "poll", NULL);
		}
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == sizeof si)
			if (is_forwarded((int)si.ssi_signo))
				kill(sup, (int)si.ssi_signo);
		int st, sup_status = 0, done = 0;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == sup) {
				done = 1;
				sup_status = st;
			}
		if (done) {
			cgroup_kill_all(cg);  /* the supervisor was killed before it could */
			kill_descendants();
			cgroup_remove(cg);
			return status_code(sup_status);
		}
	}
}

int main(int argc, char **argv)
{
	sigset_t orig;
	block_signals(&orig);
	struct config c;
	parse_args(argc, argv, &c);
	struct cgroup cg;
	if (c.raw) {
		/* raw_exec: no cgroups; as a subreaper the launcher gets whatever the task orphans
		 * (daemons leaving its group included) and ends it with the task */
		memset(&cg, 0, sizeof cg);
		cg.v2_fd = -1;
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			die_errno(EXIT_INTERNAL, "prctl(PR_SET_CHILD_SUBREAPER)", NULL);
		return supervise(&c, &cg, -1, &orig);
	}
	cgroup_setup(&c, &cg);
	if (c.cores) {
		cgroup_pin_cores(&c, &cg);
		if (cg.cores[0])
			set_env(&c, "NOMAD_CPU_CORES", cg.cores);
	}
	if (c.pid_mode == NS_PRIVATE)
		return supervise(&c, &cg, -1, &orig);

	/* Host pid mode: the task sees and may signal host processes. A task that can kill the
	 * launcher and its supervisor (rootless: same user; root: user root) could leave
	 * daemons behind unless a cgroup holds them all: without one, refuse. */
	if (!cg.track_version && (c.rootless || c.uid == 0)) {
		cgroup_remove(&cg);
		die_msg(EXIT_CONTAIN, "host pid mode: no writable cgroup to hold the task's processes, so "
			"a stop could not be guaranteed to end them all (%s); use pid_mode = \"private\", "
			"or run under a delegated cgroup (e.g. systemd-run --user --scope -p Delegate=yes)",
			c.rootless ? "rootless, and the launcher's own cgroup is not delegated to this user"
				   : "the task runs as root and no cgroup is writable");
	}

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		die_errno(EXIT_INTERNAL, "prctl(PR_SET_CHILD_SUBREAPER)", NULL);
	int lp[2];
	if (pipe2(lp, O_CLOEXEC) < 0)
		die_errno(EXIT_INTERNAL, "pipe", NULL);
	pid_t sup = fork();
	if (sup < 0)
		die_errno(EXIT_INTERNAL, "fork", NULL);
	if (sup == 0) {
		close(lp[1]);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			die_errno(EXIT_INTERNAL, "prctl(PR_SET_CHILD_SUBREAPER)", NULL);
		_exit(supervise(&c, &cg, lp[0], &orig));
	}
	close(lp[0]);
	if (c.stop_fd >= 0)
		close(c.stop_fd);  /* the supervisor reads it */
	if (c.info_fd >= 0)
		close(c.info_fd);
	return relay(sup, &cg);
}
