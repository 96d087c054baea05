/* Small helpers: messages, failure exits, whole-file reads and writes, the host
 * passwd lookup and signal names. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"

/* Set only in the cloned child between clone and execve: a failing setup step writes
 * its exit code there so the supervisor can tell a setup failure from a task exit. */
int sandbox_err_fd = -1;

void msg(const char *fmt, ...)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "nomad-exec-launcher: ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = strlen(buf);
	buf[len++] = '\n';
	/* one write so lines from the launcher and the task do not interleave mid-line */
	if (write(STDERR_FILENO, buf, len) < 0) { /* nothing better to do */ }
}

static void report_and_exit(int code) __attribute__((noreturn));
static void report_and_exit(int code)
{
	if (sandbox_err_fd >= 0) {
		unsigned char b = (unsigned char)code;
		if (write(sandbox_err_fd, &b, 1) < 0) { /* the exit code still says it */ }
	}
	_exit(code);
}

void die_errno(int code, const char *step, const char *path)
{
	int e = errno;
	if (path)
		msg("%s: %s: %s", step, path, strerror(e));
	else
		msg("%s: %s", step, strerror(e));
	report_and_exit(code);
}

void die_msg(int code, const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	msg("%s", buf);
	report_and_exit(code);
}

int write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(data);
	ssize_t n = write(fd, data, len);
	int e = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n < 0 ? e : EIO;
		return -1;
	}
	return 0;
}

int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (int)got;
}

/* Parses the host /etc/passwd directly instead of getpwnam: no NSS modules get loaded
 * into the launcher, and it is what the task will see through the read-only /etc. */
int lookup_user(const char *name, uid_t *uid, gid_t *gid)
{
	FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return -1;
	char line[1024];
	size_t nlen = strlen(name);
	int found = -1;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, name, nlen) != 0 || line[nlen] != ':')
			continue;
		/* name:password:uid:gid:... */
		char *p = strchr(line + nlen + 1, ':');
		if (!p)
			break;
		char *end;
		unsigned long u = strtoul(p + 1, &end, 10);
		if (*end != ':')
			break;
		unsigned long g = strtoul(end + 1, &end, 10);
		if (*end != ':')
			break;
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		found = 0;
		break;
	}
	fclose(f);
	if (found < 0)
		errno = ENOENT;
	return found;
}

static const struct { const char *name; int sig; } signal_names[] = {
	{"SIGABRT", SIGABRT}, {"SIGALRM", SIGALRM}, {"SIGBUS", SIGBUS}, {"SIGCONT", SIGCONT},
	{"SIGFPE", SIGFPE}, {"SIGHUP", SIGHUP}, {"SIGILL", SIGILL}, {"SIGINT", SIGINT},
	{"SIGIO", SIGIO}, {"SIGIOT", SIGIOT}, {"SIGKILL", SIGKILL}, {"SIGPIPE", SIGPIPE},
	{"SIGPROF", SIGPROF}, {"SIGQUIT", SIGQUIT}, {"SIGSEGV", SIGSEGV}, {"SIGSTOP", SIGSTOP},
	{"SIGSYS", SIGSYS}, {"SIGTERM", SIGTERM}, {"SIGTRAP", SIGTRAP}, {"SIGTSTP", SIGTSTP},
	{"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU}, {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2},
	{"SIGWINCH", SIGWINCH}, {"SIGXCPU", SIGXCPU}, {"SIGXFSZ", SIGXFSZ}, {"SIGNULL", 0},
};

int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return (n >= 0 && n < 65) ? (int)n : -1;
	for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++) {
		const char *name = signal_names[i].name;
		if (strcasecmp(s, name) == 0 || strcasecmp(s, name + 3) == 0)
			return signal_names[i].sig;
	}
	return -1;
}

int fmt_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
