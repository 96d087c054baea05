/* nomad-exec-probe: run by the launcher tests inside the sandbox. Each command tries
 * one operation and prints one line: "ok" or the errno name, so the tests can assert
 * on the kernel's answer rather than on a tool's message. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/keyctl.h>
#include <unistd.h>

static int result(int r)
{
	if (r < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 0;  /* the answer is the output; 2 means the probe itself was misused */
	}
	printf("ok\n");
	return 0;
}

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("%s: %s\n", dir, strerrorname_np(errno));
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			printf("%s\n", e->d_name);
	closedir(d);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	const char *cmd = argv[1];
	if (!strcmp(cmd, "write") && argc > 2)
		return result(open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if (!strcmp(cmd, "chown") && argc > 3)
		return result(chown(argv[2], atoi(argv[3]), -1));
	if (!strcmp(cmd, "dac")) {
		/* a file of our own with mode 000: only dac_override lets us read it */
		int fd = open("/tmp/dac", O_WRONLY | O_CREAT | O_TRUNC, 0000);
		if (fd < 0 || close(fd) < 0 || chmod("/tmp/dac", 0) < 0)
			return result(-1);
		return result(open("/tmp/dac", O_RDONLY));
	}
	if (!strcmp(cmd, "rawsock"))
		return result(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	if (!strcmp(cmd, "mount") && argc > 2)
		return result(mount("tmpfs", argv[2], "tmpfs", 0, NULL));
	if (!strcmp(cmd, "kill") && argc > 2)
		return result(kill(atoi(argv[2]), SIGKILL));
	if (!strcmp(cmd, "ptrace") && argc > 2)
		return result((int)ptrace(PTRACE_ATTACH, atoi(argv[2]), NULL, NULL));
	if (!strcmp(cmd, "msgstat") && argc > 2) {
		struct msqid_ds ds;
		return result(msgctl(atoi(argv[2]), IPC_STAT, &ds));
	}
	if (!strcmp(cmd, "msgget") && argc > 2)
		return result(msgget((key_t)strtol(argv[2], NULL, 0), 0));
	if (!strcmp(cmd, "ls") && argc > 2) {
		list(argv[2]);
		return 0;
	}
	if (!strcmp(cmd, "escape")) {
		/* the classic chroot escape: chroot into a subdirectory, climb with .. past it,
		 * chroot to where we ended up; then show what / is */
		mkdir("/tmp/escape", 0755);
		if (chroot("/tmp/escape") == 0) {
			for (int i = 0; i < 64; i++)
				if (chdir("..") < 0)
					break;
			if (chroot(".") < 0) { /* stays where it was */ }
		}
		list("/");
		return 0;
	}
	if (!strcmp(cmd, "alloc") && argc > 2) {
		/* touch every page so the memory is really charged */
		size_t mb = (size_t)atol(argv[2]);
		for (size_t i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				return result(-1);
			memset(p, 1, 1 << 20);
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "ids")) {
		printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
		return 0;
	}
	if (!strcmp(cmd, "fds")) {
		/* the descriptors this process holds, but the one listing them */
		DIR *d = opendir("/proc/self/fd");
		if (!d)
			return result(-1);
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
				printf("%s\n", e->d_name);
		closedir(d);
		return 0;
	}
	if (!strcmp(cmd, "read") && argc > 2) {
		/* opening is the breach (a device node, a leaked descriptor): "ok" once open succeeds */
		int fd = open(argv[2], O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			return result(-1);
		char b;
		if (read(fd, &b, 1) < 0) { /* e.g. ENXIO past the end of /dev/mem: it was opened all the same */ }
		return result(0);
	}
	if (!strcmp(cmd, "mknod") && argc > 5) {
		mode_t type = argv[3][0] == 'b' ? S_IFBLK : S_IFCHR;
		return result(mknod(argv[2], type | 0666, makedev(atoi(argv[4]), atoi(argv[5]))));
	}
	if (!strcmp(cmd, "remount") && argc > 2)  /* a bind remount without flags: rw, dev, suid, exec */
		return result(mount(NULL, argv[2], NULL, MS_REMOUNT | MS_BIND, NULL));
	if (!strcmp(cmd, "umount") && argc > 2)
		return result(umount2(argv[2], MNT_DETACH));
	if (!strcmp(cmd, "keyring-run") && argc > 4) {
		/* runs a command with a new session keyring holding one user key */
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
		    syscall(SYS_add_key, "user", argv[2], argv[3], strlen(argv[3]), KEY_SPEC_SESSION_KEYRING) < 0)
			return result(-1);
		execvp(argv[4], argv + 4);
		return result(-1);
	}
	if (!strcmp(cmd, "keyadd") && argc > 3)
		return result((int)syscall(SYS_add_key, "user", argv[2], argv[3], strlen(argv[3]), KEY_SPEC_SESSION_KEYRING));
	if (!strcmp(cmd, "keyfind") && argc > 2) {
		/* looks the key up in the session keyring and prints its payload */
		long id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", argv[2], 0);
		if (id < 0)
			return result(-1);
		char buf[256];
		long n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof buf - 1);
		if (n < 0)
			return result(-1);
		buf[n < (long)sizeof buf - 1 ? n : (long)sizeof buf - 1] = '\0';
		printf("found %s\n", buf);
		return 0;
	}
	fprintf(stderr, "probe: unknown command %s\n", cmd);
	return 2;
}
