/* The cloned child: it is already in its new mount (and pid, ipc, user) namespaces.
 * It builds the task root on top of the task dir, enters it, becomes the task user
 * with the task's capabilities and execs the command, which thereby keeps this
 * process's pid (PID 1 of the new pid namespace in private pid mode). Every step
 * that fails exits with a documented code and names the step, the path and errno. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#include "launcher.h"

#define PATH_LEN 4096

/* formats a path into a PATH_LEN buffer or fails the mount step */
#define PATHF(buf, ...) \
	do { \
		if (fmt_path(buf, sizeof buf, __VA_ARGS__) < 0) \
			die_errno(EXIT_MOUNT, "building a path", #buf); \
	} while (0)

static void join(char *out, const char *root, const char *rel)
{
	while (*rel == '/')
		rel++;
	if (snprintf(out, PATH_LEN, "%s/%s", root, rel) >= PATH_LEN) {
		errno = ENAMETOOLONG;
		die_errno(EXIT_MOUNT, "building a path inside the task root", rel);
	}
}

static void mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_LEN];
	PATHF(buf, "%s", path);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char save = *p;
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				die_errno(EXIT_MOUNT, "creating directory", buf);
			*p = save;
			if (!save)
				break;
		}
	}
}

/* A directory that must exist with exactly this mode (the layout of section 4). */
static void layout_dir(const char *root, const char *rel, mode_t mode)
{
	char p[PATH_LEN];
	join(p, root, rel);
	if (mkdir(p, mode) == 0) {
		/* mkdir drops the sticky bit; set the mode through a descriptor that cannot be a
		 * symlink a task swapped in meanwhile (alloc/ is writable by tasks) */
		int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, mode) < 0)
			die_errno(EXIT_MOUNT, "setting mode of", p);
		close(fd);
	} else if (errno != EEXIST) {
		die_errno(EXIT_MOUNT, "creating task directory", p);
	}
}

static void mount_or_die(const char *src, const char *dst, const char *type,
			 unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0) {
		char step[160];
		snprintf(step, sizeof step, "mounting %s (%s)", type ? type : "bind",
			 src ? src : "none");
		die_errno(EXIT_MOUNT, step, dst);
	}
}

/* Adds mount flags (MOUNT_ATTR_*) to a mount, with its whole subtree when `recursive`.
 * mount_setattr only sets the bits asked for, so the flags a user namespace may not
 * clear (those the host mount had) stay as they are. */
static void add_mount_attr(const char *path, uint64_t attr_set, int recursive, const char *what)
{
	struct mount_attr attr = {.attr_set = attr_set};
	if (syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof attr) == 0)
		return;
	if (errno != ENOSYS)
		die_errno(EXIT_MOUNT, what, path);
	/* kernels before 5.12: remount the top mount only, keeping the flags it has */
	struct statvfs sv;
	if (statvfs(path, &sv) < 0)
		die_errno(EXIT_MOUNT, "reading mount flags (statvfs)", path);
	static const struct { unsigned long st, ms; uint64_t attr; } map[] = {
		{ST_RDONLY, MS_RDONLY, MOUNT_ATTR_RDONLY}, {ST_NOSUID, MS_NOSUID, MOUNT_ATTR_NOSUID},
		{ST_NODEV, MS_NODEV, MOUNT_ATTR_NODEV}, {ST_NOEXEC, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
		{ST_NOATIME, MS_NOATIME, MOUNT_ATTR_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
		{ST_RELATIME, MS_RELATIME, MOUNT_ATTR_RELATIME},
	};
	unsigned long flags = MS_BIND | MS_REMOUNT;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if ((sv.f_flag & map[i].st) || (attr_set & map[i].attr))
			flags |= map[i].ms;
	if (mount(NULL, path, NULL, flags, NULL) < 0)
		die_errno(EXIT_MOUNT, what, path);
}

/* Read-only for the whole subtree. */
static void make_read_only(const char *path)
{
	add_mount_attr(path, MOUNT_ATTR_RDONLY, 1, "making mount read-only (mount_setattr)");
}

/* Anything the task can write: no device node and no setuid bit on it means anything. */
static void make_nodev_nosuid(const char *path)
{
	add_mount_attr(path, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID, 1, "making mount nodev,nosuid (mount_setattr)");
}

/* Creates what a bind needs to land on: a directory, or an empty file for a file. */
static void mount_point(const char *dst, int is_dir)
{
	if (is_dir) {
		mkdir_p(dst, 0755);
		return;
	}
	char parent[PATH_LEN];
	PATHF(parent, "%s", dst);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdir_p(parent, 0755);
	}
	int fd = open(dst, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0 && errno != EEXIST && errno != EROFS && errno != EACCES && errno != ELOOP)
		die_errno(EXIT_MOUNT, "creating mount point", dst);
	if (fd >= 0)
		close(fd);
}

static void bind_mount(const char *src, const char *dst, int read_only)
{
	mount_or_die(src, dst, NULL, MS_BIND | MS_REC, NULL);
	if (read_only)
		make_read_only(dst);
	else
		make_nodev_nosuid(dst);
}

static int open_in_root(int root_fd, const char *rel, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_PATH | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT};
	return (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
}

/* The mount point of a bind whose destination the job chose: resolved as the task would see
 * it, symlinks staying inside the task root (a link the task planted in local/ or alloc/
 * cannot send the launcher, root, to create directories or mount on the host), missing
 * directories made on the way, a missing file made empty. Returns an O_PATH descriptor,
 * or -1 with ENOSYS on kernels before 5.6 (no openat2). */
static int mount_point_in_root(const char *root, const char *dst, int is_dir)
{
	int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die_errno(EXIT_MOUNT, "opening the task root", root);
	char rel[PATH_LEN];
	PATHF(rel, "%s", dst);
	int fd = -1;
	for (char *p = rel + 1; fd < 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char save = *p;
		*p = '\0';
		int last = save == '\0';
		int made = 0;
		for (;;) {
			fd = open_in_root(root_fd, rel, last && !is_dir ? 0 : O_DIRECTORY);
			if (fd >= 0 || errno != ENOENT || made)
				break;
			/* create the missing component in its parent, itself resolved inside the root */
			char *slash = strrchr(rel, '/');
			*slash = '\0';
			int parent = open_in_root(root_fd, *rel ? rel : "/", O_DIRECTORY);
			*slash = '/';
			if (parent < 0)
				break;
			int r = (last && !is_dir) ? openat(parent, slash + 1, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644)
						  : mkdirat(parent, slash + 1, 0755);
			int e = errno;
			close(parent);
			if (r >= 0 && last && !is_dir)
				close(r);
			errno = e;
			if (r < 0 && errno != EEXIST)
				break;
			made = 1;
		}
		if (fd < 0 && errno == ENOSYS) {
			close(root_fd);
			return -1;
		}
		if (fd < 0)
			die_errno(EXIT_MOUNT, "creating mount point inside the task root", rel);
		if (!last) {
			close(fd);
			fd = -1;
		}
		*p = save;
		if (last)
			break;
	}
	close(root_fd);
	return fd;
}

/* One chroot_env entry or extra bind. A missing host path is skipped (as Nomad does);
 * a symlink bound to the same path is recreated instead of mounted (merged-/usr
 * systems have /bin -> usr/bin), which is both what Nomad does and one mount fewer. */
static void apply_bind(const char *root, const struct bind *b)
{
	struct stat st;
	if (lstat(b->src, &st) < 0) {
		if (errno == ENOENT)
			return;
		die_errno(EXIT_MOUNT, "inspecting host path", b->src);
	}
	char dst[PATH_LEN];
	join(dst, root, b->dst);
	if (S_ISLNK(st.st_mode) && strcmp(b->src, b->dst) == 0) {
		char target[PATH_LEN];
		ssize_t n = readlink(b->src, target, sizeof target - 1);
		if (n < 0)
			die_errno(EXIT_MOUNT, "reading symlink", b->src);
		target[n] = '\0';
		if (symlink(target, dst) < 0 && errno != EEXIST)
			die_errno(EXIT_MOUNT, "recreating symlink", dst);
		return;
	}
	if (S_ISLNK(st.st_mode) && stat(b->src, &st) < 0) {
		if (errno == ENOENT)
			return;  /* dangling */
		die_errno(EXIT_MOUNT, "following symlink", b->src);
	}
	int fd = mount_point_in_root(root, b->dst, S_ISDIR(st.st_mode));
	if (fd < 0) {
		/* kernels before 5.6 */
		mount_point(dst, S_ISDIR(st.st_mode));
		bind_mount(b->src, dst, b->read_only);
		return;
	}
	char at[64];
	PATHF(at, "/proc/self/fd/%d", fd);
	mount_or_die(b->src, at, NULL, MS_BIND | MS_REC, NULL);
	close(fd);
	/* the new mount, reached the same way: its flags are changed, not those underneath */
	fd = mount_point_in_root(root, b->dst, S_ISDIR(st.st_mode));
	if (fd < 0)
		die_errno(EXIT_MOUNT, "reopening the new bind mount inside the task root", dst);
	PATHF(at, "/proc/self/fd/%d", fd);
	if (b->read_only)
		make_read_only(at);
	else
		make_nodev_nosuid(at);
	close(fd);
}

static void setup_dev(const struct config *c, const char *root)
{
	char dev[PATH_LEN], p[PATH_LEN];
	join(dev, root, "dev");
	mkdir_p(dev, 0755);
	/* nodev: a node made here with mknod cannot be opened; the nodes below are binds of
	 * the host's, each its own mount with the host's flags */
	mount_or_die("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755,size=65536k");
	/* bind the host's nodes: mknod is not allowed in a user namespace, binds are */
	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		char host[64];
		PATHF(host, "/dev/%s", nodes[i]);
		PATHF(p, "%s/%s", dev, nodes[i]);
		mount_point(p, 0);
		mount_or_die(host, p, NULL, MS_BIND, NULL);
	}
	static const char *const links[][2] = {
		{"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
	};
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		PATHF(p, "%s/%s", dev, links[i][0]);
		if (symlink(links[i][1], p) < 0)
			die_errno(EXIT_MOUNT, "creating /dev symlink", p);
	}
	PATHF(p, "%s/pts", dev);
	mkdir_p(p, 0755);
	/* gid=5 (tty) only where that group exists: it is unmapped in a user namespace */
	mount_or_die("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
		     c->rootless ? "newinstance,ptmxmode=0666,mode=620"
				 : "newinstance,ptmxmode=0666,mode=620,gid=5");
	PATHF(p, "%s/shm", dev);
	mkdir_p(p, 0755);
	mount_or_die("shm", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
	PATHF(p, "%s/mqueue", dev);
	mkdir_p(p, 0755);
	if (c->ipc_mode == NS_PRIVATE || !c->rootless) {
		mount_or_die("mqueue", p, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	} else if (access("/dev/mqueue", F_OK) == 0) {
		/* host ipc rootless: the host's mqueue mount belongs to the initial namespace */
		mount_or_die("/dev/mqueue", p, NULL, MS_BIND, NULL);
	}
}

static void setup_proc(const struct config *c, const char *root)
{
	char proc[PATH_LEN], p[PATH_LEN];
	join(proc, root, "proc");
	mkdir_p(proc, 0755);
	if (c->pid_mode == NS_PRIVATE || !c->rootless) {
		mount_or_die("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	} else {
		/* a user namespace may not mount the host pid namespace's proc: bind it */
		mount_or_die("/proc", proc, NULL, MS_BIND | MS_REC, NULL);
	}
	PATHF(p, "%s/kcore", proc);
	if (access(p, F_OK) == 0)
		mount_or_die("/dev/null", p, NULL, MS_BIND, NULL);
	static const char *const ro[] = {"sys", "sysrq-trigger", "irq", "bus"};
	for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++) {
		PATHF(p, "%s/%s", proc, ro[i]);
		if (access(p, F_OK) < 0)
			continue;
		bind_mount(p, p, 1);
	}
}

static void setup_sys(const struct config *c, const char *root)
{
	char sys[PATH_LEN], p[PATH_LEN];
	join(sys, root, "sys");
	mkdir_p(sys, 0755);
	if (!c->rootless) {
		mount_or_die("sysfs", sys, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	} else {
		/* sysfs can only be mounted by the owner of the network namespace: bind it */
		bind_mount("/sys", sys, 1);
	}
	PATHF(p, "%s/firmware", sys);
	if (access(p, F_OK) == 0)
		mount_or_die("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0");
}

static void setup_task_dirs(const struct config *c, const char *root)
{
	char p[PATH_LEN];
	layout_dir(root, "local", 0777);
	layout_dir(root, "tmp", 01777);
	layout_dir(root, "secrets", 0777);
	layout_dir(root, "private", 0777);
	join(p, root, "secrets");
	mount_or_die("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0777,size=1m");
	join(p, root, "private");
	mount_or_die("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=1m");
	if (!c->alloc_dir)
		return;
	layout_dir(root, "alloc", 0777);
	join(p, root, "alloc");
	mount_or_die(c->alloc_dir, p, NULL, MS_BIND | MS_REC, NULL);
	make_nodev_nosuid(p);
	/* the subdirs live in the host alloc dir, which the runner normally creates */
	layout_dir(p, "data", 0777);
	layout_dir(p, "logs", 0777);
	layout_dir(p, "tmp", 0777);
	join(p, root, "alloc/logs");
	bind_mount(p, p, 1);
}

static void write_map(const char *file, unsigned inner, unsigned outer)
{
	char line[64];
	snprintf(line, sizeof line, "%u %u 1\n", inner, outer);
	if (write_file(file, line) < 0)
		die_errno(EXIT_NAMESPACE, "writing user namespace map", file);
}

static void enter_root(const struct config *c, const char *root)
{
	if (chdir(root) < 0)
		die_errno(EXIT_MOUNT, "entering task root", root);
	if (c->no_pivot_root) {
		/* the runc way without pivot_root: move the root mount over / and chroot */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			die_errno(EXIT_MOUNT, "moving task root over / (MS_MOVE)", root);
		if (chroot(".") < 0)
			die_errno(EXIT_MOUNT, "chroot", root);
	} else {
		/* pivot onto itself, then detach the old root stacked underneath */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			die_errno(EXIT_MOUNT, "pivot_root", root);
		if (umount2(".", MNT_DETACH) < 0)
			die_errno(EXIT_MOUNT, "detaching the host root", root);
	}
	if (chdir("/") < 0)
		die_errno(EXIT_MOUNT, "entering /", root);
}

/* Every descriptor above 2 is closed by the execve: the task inherits nothing of the
 * runner's or the launcher's. Close-on-exec rather than closed, because the launcher
 * still needs its own (err_fd, alive_fd) up to the execve. */
static void cloexec_from_3(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	if (errno != ENOSYS && errno != EINVAL)
		die_errno(EXIT_CREDS, "marking descriptors close-on-exec (close_range)", NULL);
	/* kernels before 5.11 */
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		die_errno(EXIT_CREDS, "listing descriptors", "/proc/self/fd");
	struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (fd > 2 && fd != dirfd(d) && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			die_errno(EXIT_CREDS, "marking descriptor close-on-exec", e->d_name);
	}
	closedir(d);
}

/* Rootless, the task may be root in the user namespace that owns its mounts, and could
 * then unmount or remount writable what was bound read-only (/alloc/logs, chroot_env).
 * A second user and mount namespace, owned by the first, makes the kernel lock every
 * mount copied into it (MNT_LOCKED: no umount; MNT_LOCK_*: flags stay), as bubblewrap
 * does. The task keeps its ids: the maps are identity maps of its own uid and gid. */
static void lock_mounts(const struct config *c)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		die_errno(EXIT_NAMESPACE, "locking the mounts (unshare user+mount namespace)", NULL);
	if (write_file("/proc/self/setgroups", "deny") < 0)
		die_errno(EXIT_NAMESPACE, "denying setgroups", "/proc/self/setgroups");
	write_map("/proc/self/uid_map", c->uid, c->uid);
	write_map("/proc/self/gid_map", c->gid, c->gid);
}

/* A fresh, empty session keyring, so the task cannot reach the invoker's keys. Two
 * answers are accepted: ENOSYS (a kernel without keys: there is nothing to reach) and
 * EPERM when the keyring calls are refused to us altogether (a seccomp filter, e.g. in
 * a container); the task inherits that filter, so it cannot reach them either. */
static void new_session_keyring(void)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) >= 0 || errno == ENOSYS)
		return;
	int e = errno;
	if (e == EPERM && syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) < 0 &&
	    (errno == EPERM || errno == ENOSYS))
		return;
	errno = e;
	die_errno(EXIT_CREDS, "joining a new session keyring (keyctl)", NULL);
}

static void start_task(const struct config *c, int alive_fd, const sigset_t *orig_mask, const char *where)
	__attribute__((noreturn));

void sandbox_enter(const struct config *c, const struct cgroup *cg, int err_fd, int alive_fd, const sigset_t *orig_mask)
{
	cloexec_from_3();
	sandbox_err_fd = err_fd;
	/* device rules, limits, tracking: before anything else, while the host's /sys/fs/cgroup is here */
	cgroup_enter(cg);
	if (c->rootless) {
		if (write_file("/proc/self/setgroups", "deny") < 0)
			die_errno(EXIT_NAMESPACE, "denying setgroups", "/proc/self/setgroups");
		write_map("/proc/self/uid_map", c->uid, c->outer_uid);
		write_map("/proc/self/gid_map", c->gid, c->outer_gid);
	}
	mode_t old_umask = umask(0);
	/* nothing we mount may propagate back to the host */
	mount_or_die("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	/* pivot_root needs the new root to be a mount point */
	mount_or_die(c->root, c->root, NULL, MS_BIND | MS_REC, NULL);
	/* first, so it covers the task dirs (local/, tmp/) but none of the binds made below */
	make_nodev_nosuid(c->root);
	setup_task_dirs(c, c->root);
	for (size_t i = 0; i < c->nbinds; i++)
		apply_bind(c->root, &c->binds[i]);
	setup_dev(c, c->root);
	setup_proc(c, c->root);
	setup_sys(c, c->root);
	enter_root(c, c->root);
	if (c->rootless)
		lock_mounts(c);

	apply_caps(c);
	new_session_keyring();
	/* setuid and file capabilities cannot raise a user above what it was given; root
	 * (legacy capabilities, as in Nomad) keeps the classic behaviour */
	if (c->uid != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_CREDS, "prctl(PR_SET_NO_NEW_PRIVS)", NULL);
	if (chdir(c->work_dir) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			die_msg(EXIT_WORKDIR, "work_dir: %s does not exist inside the task root (%s)",
				c->work_dir, strerror(errno));
		die_errno(EXIT_WORKDIR, "entering work_dir", c->work_dir);
	}
	umask(old_umask);

	/* Last, because any uid change clears it. */
	start_task(c, alive_fd, orig_mask, "inside the task root");
}

/* Sets the parent-death signal, makes sure the supervisor did not die before it was set (its end
 * of alive_fd closes when it exits), and runs the command. */
static void start_task(const struct config *c, int alive_fd, const sigset_t *orig_mask, const char *where)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(EXIT_CREDS, "prctl(PR_SET_PDEATHSIG)", NULL);
	struct pollfd pfd = {.fd = alive_fd, .events = POLLIN};
	if (poll(&pfd, 1, 0) != 0)
		_exit(EXIT_INTERNAL);
	if (sigprocmask(SIG_SETMASK, orig_mask, NULL) < 0)
		die_errno(EXIT_INTERNAL, "restoring the signal mask", NULL);

	execve(c->argv[0], c->argv, c->env);
	int e = errno;
	if (e == ENOENT)
		die_msg(EXIT_NOTFOUND, "command %s not found %s (work_dir %s)", c->argv[0], where, c->work_dir);
	errno = e;
	die_errno(EXIT_NOEXEC, "executing command", c->argv[0]);
}

/* raw_exec: no namespaces, no new root, the invoking user; only what keeps the run in hand: its
 * own session (so a stop reaches its whole process group), nothing inherited above fd 2, and the
 * parent-death signal (the supervisor ends the group when the runner goes away). */
void raw_enter(const struct config *c, int err_fd, int alive_fd, const sigset_t *orig_mask)
{
	cloexec_from_3();
	sandbox_err_fd = err_fd;
	if (setsid() < 0)
		die_errno(EXIT_INTERNAL, "starting a session (setsid)", NULL);
	if (chdir(c->work_dir) < 0)
		die_errno(EXIT_WORKDIR, "entering the task dir", c->work_dir);
	start_task(c, alive_fd, orig_mask, "on the host");
}
