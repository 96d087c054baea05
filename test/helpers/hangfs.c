// A FUSE file system that never answers a lookup: a stat of any path below its mount point waits until this
// process ends, as one on a hung network mount does. For the tests of the language server's look-ups
// (checks/machine.ts), which must never wait for one on the thread. Speaks the kernel's FUSE protocol on
// /dev/fuse itself (no libfuse): INIT is answered, the root's attributes too, OPENDIR never, LOOKUP never (or, with
// --answer-until-usr1, with ENOENT until SIGUSR1: a mount that dies while in use), anything else with ENOSYS.
// Needs root (mount(2)).
//
//   hangfs [--answer-until-usr1] MOUNTPOINT
//                         mounts, prints "ready" once mounted ("hanging" once lookups go unanswered after
//                         SIGUSR1), serves until SIGTERM or SIGINT (or its parent's death), then detaches
//                         the mount (the lookups waiting fail with ENOTCONN as the device closes).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FUSE_LOOKUP = 1, FUSE_GETATTR = 3, FUSE_INIT = 26, FUSE_OPENDIR = 27, FUSE_INTERRUPT = 36, FUSE_DESTROY = 38 };

struct in_header {
  uint32_t len, opcode;
  uint64_t unique, nodeid;
  uint32_t uid, gid, pid;
  uint16_t total_extlen, padding;
};

struct out_header {
  uint32_t len;
  int32_t error;
  uint64_t unique;
};

struct init_in {
  uint32_t major, minor, max_readahead, flags;
};

struct init_out {
  uint32_t major, minor, max_readahead, flags;
  uint16_t max_background, congestion_threshold;
  uint32_t max_write, time_gran;
  uint16_t max_pages, map_alignment;
  uint32_t flags2, unused[7];
};

struct attr {
  uint64_t ino, size, blocks, atime, mtime, ctime;
  uint32_t atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev, blksize, flags;
};

struct attr_out {
  uint64_t attr_valid;
  uint32_t attr_valid_nsec, dummy;
  struct attr attr;
};

static volatile sig_atomic_t stopping;
/** Lookups go unanswered: from the start, or from SIGUSR1 with --answer-until-usr1. */
static volatile sig_atomic_t hanging = 1;

static void stop(int signo) {
  (void)signo;
  stopping = 1;
}

static void hang(int signo) {
  (void)signo;
  hanging = 1;
}

static int reply(int fd, uint64_t unique, int error, const void *body, size_t size) {
  char buf[sizeof(struct out_header) + 256];
  struct out_header head = {.len = (uint32_t)(sizeof head + size), .error = error, .unique = unique};
  memcpy(buf, &head, sizeof head);
  if (size) memcpy(buf + sizeof head, body, size);
  if (write(fd, buf, head.len) < 0 && errno != ENOENT) {
    fprintf(stderr, "hangfs: reply to request %llu: %s\n", (unsigned long long)unique, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int answering = argc == 3 && strcmp(argv[1], "--answer-until-usr1") == 0;
  if (argc != 2 && !answering) {
    fprintf(stderr, "usage: hangfs [--answer-until-usr1] MOUNTPOINT\n");
    return 2;
  }
  const char *mountpoint = argv[argc - 1];
  hanging = !answering;
  struct sigaction action = {.sa_handler = stop};
  struct sigaction usr1 = {.sa_handler = hang};
  // No SA_RESTART: the read below returns EINTR, and the loop ends (or says it hangs now).
  if (sigaction(SIGTERM, &action, NULL) < 0 || sigaction(SIGINT, &action, NULL) < 0 || sigaction(SIGUSR1, &usr1, NULL) < 0) {
    fprintf(stderr, "hangfs: sigaction: %s\n", strerror(errno));
    return 1;
  }
  // A test that dies leaves no mount behind whose lookups wait forever.
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
    fprintf(stderr, "hangfs: prctl PR_SET_PDEATHSIG: %s\n", strerror(errno));
    return 1;
  }
  int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "hangfs: open /dev/fuse: %s\n", strerror(errno));
    return 1;
  }
  char options[128];
  snprintf(options, sizeof options, "fd=%d,rootmode=40755,user_id=0,group_id=0,allow_other", fd);
  if (mount("hangfs", mountpoint, "fuse.hangfs", MS_NOSUID | MS_NODEV, options) < 0) {
    fprintf(stderr, "hangfs: mount %s: %s\n", mountpoint, strerror(errno));
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  // At least FUSE_MIN_READ_BUFFER (8 KiB) and room for a write request's header and data.
  static char request[1 << 17];
  int status = 0;
  int said = !answering;
  while (!stopping) {
    if (hanging && !said) {
      said = 1;
      printf("hanging\n");
      fflush(stdout);
    }
    ssize_t got = read(fd, request, sizeof request);
    if (got < 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      if (errno != ENODEV) {
        fprintf(stderr, "hangfs: read /dev/fuse: %s\n", strerror(errno));
        status = 1;
      }
      break;
    }
    if ((size_t)got < sizeof(struct in_header)) continue;
    struct in_header head;
    memcpy(&head, request, sizeof head);
    if (head.opcode == FUSE_INIT) {
      struct init_in in;
      memcpy(&in, request + sizeof head, sizeof in);
      struct init_out out = {.major = 7, .minor = in.minor < 31 ? in.minor : 31, .max_readahead = in.max_readahead, .max_background = 16, .congestion_threshold = 12, .max_write = 4096, .time_gran = 1, .max_pages = 1};
      if (reply(fd, head.unique, 0, &out, sizeof out) < 0) status = 1;
    } else if (head.opcode == FUSE_GETATTR && head.nodeid == 1) {
      struct attr_out out = {.attr = {.ino = 1, .mode = S_IFDIR | 0755, .nlink = 2, .blksize = 4096}};
      if (reply(fd, head.unique, 0, &out, sizeof out) < 0) status = 1;
    } else if (head.opcode == FUSE_LOOKUP && !hanging) {
      // Nothing here (not remembered by the kernel: each stat asks again).
      if (reply(fd, head.unique, -ENOENT, NULL, 0) < 0) status = 1;
    } else if (head.opcode == FUSE_LOOKUP || head.opcode == FUSE_OPENDIR || head.opcode == FUSE_INTERRUPT) {
      // Never answered: whoever looks something up here, or lists the mount's root, waits.
    } else if (head.opcode == FUSE_DESTROY) {
      break;
    } else {
      if (reply(fd, head.unique, -ENOSYS, NULL, 0) < 0) status = 1;
    }
  }
  if (umount2(mountpoint, MNT_DETACH) < 0 && errno != EINVAL) {
    fprintf(stderr, "hangfs: umount %s: %s\n", mountpoint, strerror(errno));
    status = 1;
  }
  close(fd);
  return status;
}
