/*
 * The guest side of SysHotplug's x86 ACPI guest: serves the guest kernel's /sys and /proc to the
 * host (platform-bundle's AgentSystemFiles) over a byte stream, one request at a time.
 *
 *   agent --serial /dev/ttyS1          in the guest (started by /init): the second serial port,
 *                                      which QEMU connects to a unix socket on the host
 *   agent --root DIR --unix PATH       on the host, for tests: serves DIR as if it were /, on a
 *                                      listening unix socket (one client after the other)
 *   agent --root DIR --stdio           the same on stdin/stdout
 *
 * Protocol (text lines, so a stray byte costs one line, never the stream): every argument and
 * payload is percent-escaped: bytes 0x21..0x7e other than '%' stand for themselves, every other
 * byte is %XX, so values with spaces, newlines or binary data travel intact and a line ends at the
 * first raw '\n'.
 *   ready:     HELLO syshotplug-agent 1 <uname -r>
 *   request:   <id> <OP> [<arg> ...]
 *   response:  <id> OK [<payload>]  |  <id> ERR <errno> <strerror>  |  <id> BAD <what is wrong>
 * The id (decimal) is echoed, so the host can drop the answer to a request it stopped waiting for.
 * Ops: PING (payload: uname -r), READ/READB path (the bytes), WRITE path value (write(2)'s return
 * value: exactly one open(O_WRONLY) and one write of the whole value, as sysfs needs), LIST dir
 * (sorted names, space separated), EXISTS/ISDIR path (1 or 0, links followed), READLINK path (the
 * absolute target resolved against the link's real directory), KMSG (the kernel log since the last
 * KMSG, one line each, without the <level> and [timestamp] prefixes).
 * Only absolute paths under /sys and /proc without '.', '..' or empty components are served.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#define MAX_LINE (4 * 1024 * 1024)
#define MAX_FILE (16 * 1024 * 1024)
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* "" in the guest; the served folder (real path, no trailing '/') in a host test. */
static char root[PATH_MAX];
static int test_mode;

/* ---- growing byte buffer ---- */

struct buf {
    char *data;
    size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        perror("agent: out of memory");
        exit(1);
    }
    b->data = d;
    b->cap = cap;
}

static void buf_add(struct buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_str(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_fmt(struct buf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_add(b, tmp, n < (int) sizeof tmp ? (size_t) n : sizeof tmp - 1);
}

static void buf_escaped(struct buf *b, const unsigned char *p, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    buf_reserve(b, n * 3);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c > 0x20 && c < 0x7f && c != '%') {
            b->data[b->len++] = (char) c;
        } else {
            b->data[b->len++] = '%';
            b->data[b->len++] = hex[c >> 4];
            b->data[b->len++] = hex[c & 15];
        }
    }
}

/* Decodes a token in place; returns its length, or -1 for a malformed escape. */
static long unescape(char *s) {
    char *out = s;
    for (char *p = s; *p; p++) {
        if (*p != '%') {
            *out++ = *p;
            continue;
        }
        int v = 0;
        for (int k = 1; k <= 2; k++) {
            char c = p[k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return -1;
            v = v * 16 + d;
        }
        *out++ = (char) v;
        p += 2;
    }
    *out = 0;
    return out - s;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* ---- paths ---- */

/* Under /sys or /proc, absolute, no empty, '.' or '..' component; NUL cannot occur (C string). */
static int kernel_path_ok(const char *path, size_t len) {
    if (strlen(path) != len || len == 0 || len > 4095) return 0;
    if (strncmp(path, "/sys", 4) == 0 && (path[4] == 0 || path[4] == '/')) {
    } else if (strncmp(path, "/proc", 5) == 0 && (path[5] == 0 || path[5] == '/')) {
    } else {
        return 0;
    }
    const char *p = path;
    while (*p) {
        const char *c = p + 1;
        const char *e = strchr(c, '/');
        size_t n = e ? (size_t) (e - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) return 0;
        for (size_t i = 0; i < n; i++) {
            if ((unsigned char) c[i] < 0x20 || c[i] == 0x7f) return 0;
        }
        p = c + n;
    }
    return 1;
}

/* a + b into out (PATH_MAX bytes); 0, or -1 (ENAMETOOLONG) when it does not fit. */
static int join(char *out, const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la + lb >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(out, a, la);
    memcpy(out + la, b, lb + 1);
    return 0;
}

/* Test mode only: the file a path names, links followed, must lie inside the served folder (as in
 * LinuxSystemFiles); a missing file is left to the operation itself, which answers ENOENT. */
static int confined(const char *file, int follow_last) {
    if (!test_mode || !root[0]) return 1;
    char real[PATH_MAX], parent[PATH_MAX];
    const char *probe = file;
    if (!follow_last) {
        snprintf(parent, sizeof parent, "%s", file);
        *strrchr(parent, '/') = 0;
        probe = parent;
    }
    if (!realpath(probe, real)) return 1;
    size_t rl = strlen(root);
    return strncmp(real, root, rl) == 0 && (real[rl] == 0 || real[rl] == '/');
}

/* Lexical normalisation of an absolute path ('.', '..', repeated '/'), in place. */
static void normalize(char *path) {
    char *parts[PATH_MAX / 2];
    int n = 0;
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *tok = strtok(copy, "/"); tok; tok = strtok(NULL, "/")) {
        if (strcmp(tok, ".") == 0) continue;
        if (strcmp(tok, "..") == 0) {
            if (n > 0) n--;
            continue;
        }
        parts[n++] = tok;
    }
    char out[PATH_MAX] = "";
    size_t len = 0;
    for (int i = 0; i < n; i++) len += (size_t) snprintf(out + len, sizeof out - len, "/%s", parts[i]);
    if (n == 0) strcpy(out, "/");
    strcpy(path, out);
}

/* ---- operations: each appends "OK ..." or "ERR ..." to the response ---- */

static void reply_errno(struct buf *r, int err) {
    const char *text = strerror(err);
    buf_fmt(r, "ERR %d ", err);
    buf_escaped(r, (const unsigned char *) text, strlen(text));
}

static void op_read(struct buf *r, const char *path) {
    char file[PATH_MAX];
    if (join(file, root, path) != 0 || !confined(file, 1)) {
        reply_errno(r, errno == ENAMETOOLONG ? ENAMETOOLONG : EACCES);
        return;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        reply_errno(r, errno);
        return;
    }
    struct buf content = {0};
    for (;;) {
        buf_reserve(&content, 65536);
        ssize_t n = read(fd, content.data + content.len, content.cap - content.len);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            close(fd);
            free(content.data);
            reply_errno(r, err);
            return;
        }
        if (n == 0) break;
        content.len += (size_t) n;
        if (content.len > MAX_FILE) {
            close(fd);
            free(content.data);
            reply_errno(r, EFBIG);
            return;
        }
    }
    close(fd);
    buf_str(r, "OK ");
    buf_escaped(r, (const unsigned char *) content.data, content.len);
    free(content.data);
}

static void op_write(struct buf *r, const char *path, const char *value, size_t len) {
    char file[PATH_MAX];
    if (join(file, root, path) != 0 || !confined(file, 1)) {
        reply_errno(r, errno == ENAMETOOLONG ? ENAMETOOLONG : EACCES);
        return;
    }
    /* A host test serves regular files, which keep old bytes past a shorter write; sysfs has no
     * such tail, and on the kernel the brief is exactly one open(O_WRONLY) and one write(2). */
    int fd = open(file, O_WRONLY | O_CLOEXEC | (test_mode ? O_TRUNC : 0));
    if (fd < 0) {
        reply_errno(r, errno);
        return;
    }
    ssize_t n = write(fd, value, len);
    int err = errno;
    close(fd);
    if (n < 0) {
        reply_errno(r, err);
    } else {
        buf_fmt(r, "OK %zd", n);
    }
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void op_list(struct buf *r, const char *path) {
    char dir[PATH_MAX];
    if (join(dir, root, path) != 0 || !confined(dir, 1)) {
        reply_errno(r, errno == ENAMETOOLONG ? ENAMETOOLONG : EACCES);
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        reply_errno(r, errno);
        return;
    }
    size_t n = 0, cap = 256;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    int err = errno;
    closedir(d);
    if (err) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        reply_errno(r, err);
        return;
    }
    qsort(names, n, sizeof *names, by_name);
    buf_str(r, "OK");
    for (size_t i = 0; i < n; i++) {
        buf_str(r, " ");
        buf_escaped(r, (const unsigned char *) names[i], strlen(names[i]));
        free(names[i]);
    }
    free(names);
}

static void op_stat(struct buf *r, const char *path, int want_dir) {
    char file[PATH_MAX];
    struct stat st;
    int ok = join(file, root, path) == 0 && confined(file, 1) && stat(file, &st) == 0 && (!want_dir || S_ISDIR(st.st_mode));
    buf_fmt(r, "OK %d", ok);
}

static void op_readlink(struct buf *r, const char *path) {
    char file[PATH_MAX], text[PATH_MAX], parent[PATH_MAX], real_parent[PATH_MAX], target[PATH_MAX];
    if (join(file, root, path) != 0 || !confined(file, 0)) {
        reply_errno(r, errno == ENAMETOOLONG ? ENAMETOOLONG : EACCES);
        return;
    }
    ssize_t n = readlink(file, text, sizeof text - 1);
    if (n < 0) {
        reply_errno(r, errno);
        return;
    }
    text[n] = 0;
    snprintf(parent, sizeof parent, "%s", file);
    *strrchr(parent, '/') = 0;
    /* sysfs link text is relative to the folder the link really sits in, which may itself have been
     * reached through links (/sys/bus/acpi/devices/X is a link into /sys/devices/...). */
    if (!realpath(parent[0] ? parent : "/", real_parent)) {
        reply_errno(r, errno);
        return;
    }
    strcat(real_parent, "/");
    if (join(target, text[0] == '/' ? root : real_parent, text) != 0) {
        reply_errno(r, errno);
        return;
    }
    normalize(target);
    const char *kernel = target;
    if (root[0]) {
        size_t rl = strlen(root);
        if (strncmp(target, root, rl) != 0 || (target[rl] != 0 && target[rl] != '/')) {
            reply_errno(r, EACCES); /* points outside the served folder */
            return;
        }
        kernel = target[rl] ? target + rl : "/";
    }
    buf_str(r, "OK ");
    buf_escaped(r, (const unsigned char *) kernel, strlen(kernel));
}

/* "<6>[    1.234567] text" -> "text"; the level and the timestamp are each optional. */
static const char *strip_prefixes(const char *line) {
    const char *p = line;
    if (*p == '<') {
        const char *q = p + 1;
        while (*q >= '0' && *q <= '9') q++;
        if (*q == '>' && q > p + 1) p = q + 1;
    }
    if (*p == '[') {
        const char *q = strchr(p, ']');
        if (q) {
            int stamp = 1;
            for (const char *c = p + 1; c < q; c++) {
                if (!(*c == ' ' || *c == '.' || (*c >= '0' && *c <= '9'))) stamp = 0;
            }
            if (stamp) p = q[1] == ' ' ? q + 2 : q + 1;
        }
    }
    return p;
}

static void op_kmsg(struct buf *r) {
    struct buf raw = {0};
    if (test_mode) {
        /* A host test must not read (let alone clear) the host's own kernel log. */
        char file[PATH_MAX];
        int fd = join(file, root, "/kmsg") == 0 ? open(file, O_RDWR | O_CLOEXEC) : -1;
        if (fd >= 0) {
            char chunk[65536];
            ssize_t n;
            while ((n = read(fd, chunk, sizeof chunk)) > 0) buf_add(&raw, chunk, (size_t) n);
            if (ftruncate(fd, 0) != 0) n = -1;
            close(fd);
        }
    } else {
        int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
        if (size < 0) {
            reply_errno(r, errno);
            return;
        }
        buf_reserve(&raw, (size_t) size + 1);
        int n = klogctl(SYSLOG_ACTION_READ_CLEAR, raw.data, size);
        if (n < 0) {
            int err = errno;
            free(raw.data);
            reply_errno(r, err);
            return;
        }
        raw.len = (size_t) n;
    }
    buf_add(&raw, "", 1);
    struct buf text = {0};
    char *save = NULL;
    for (char *line = strtok_r(raw.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (text.len) buf_add(&text, "\n", 1);
        buf_str(&text, strip_prefixes(line));
    }
    buf_str(r, "OK ");
    buf_escaped(r, (const unsigned char *) text.data, text.len);
    free(text.data);
    free(raw.data);
}

static const char *release(void) {
    static struct utsname u;
    if (!u.release[0] && uname(&u) != 0) strcpy(u.release, "unknown");
    return u.release;
}

/* ---- the loop ---- */

static void bad(struct buf *r, const char *what) {
    buf_str(r, "BAD ");
    buf_escaped(r, (const unsigned char *) what, strlen(what));
}

static int arity(const char *op) {
    static const struct {
        const char *name;
        int args;
    } ops[] = {{"PING", 0}, {"KMSG", 0}, {"READ", 1}, {"READB", 1}, {"LIST", 1}, {"EXISTS", 1},
               {"ISDIR", 1}, {"READLINK", 1}, {"WRITE", 2}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(op, ops[i].name) == 0) return ops[i].args;
    }
    return -1;
}

static void handle(char *line, struct buf *r) {
    /* Split at every single space: an empty token is a real empty argument (a 0-byte write). */
    char *tok[5];
    int n = 0;
    for (char *rest = line, *t; n < 5 && (t = strsep(&rest, " ")) != NULL;) tok[n++] = t;
    if (n < 2 || !tok[0][0] || strspn(tok[0], "0123456789") != strlen(tok[0]) || strlen(tok[0]) > 18) {
        buf_str(r, "0 ");
        bad(r, "expected: <id> <OP> [<arg> ...]");
        return;
    }
    buf_str(r, tok[0]);
    buf_str(r, " ");
    const char *op = tok[1];
    int want = arity(op);
    if (want < 0) {
        bad(r, "unknown operation");
        return;
    }
    if (n - 2 != want) {
        bad(r, "wrong number of arguments");
        return;
    }
    long len[2] = {0, 0};
    for (int i = 0; i < want; i++) {
        len[i] = unescape(tok[2 + i]);
        if (len[i] < 0) {
            bad(r, "malformed %-escape");
            return;
        }
    }
    if (want > 0 && !kernel_path_ok(tok[2], (size_t) len[0])) {
        reply_errno(r, EACCES); /* only /sys and /proc, no '.', '..' or empty components */
        return;
    }
    if (strcmp(op, "PING") == 0) {
        buf_str(r, "OK ");
        buf_escaped(r, (const unsigned char *) release(), strlen(release()));
    } else if (strcmp(op, "READ") == 0 || strcmp(op, "READB") == 0) {
        op_read(r, tok[2]);
    } else if (strcmp(op, "WRITE") == 0) {
        op_write(r, tok[2], tok[3], (size_t) len[1]);
    } else if (strcmp(op, "LIST") == 0) {
        op_list(r, tok[2]);
    } else if (strcmp(op, "EXISTS") == 0) {
        op_stat(r, tok[2], 0);
    } else if (strcmp(op, "ISDIR") == 0) {
        op_stat(r, tok[2], 1);
    } else if (strcmp(op, "READLINK") == 0) {
        op_readlink(r, tok[2]);
    } else {
        op_kmsg(r);
    }
}

static int hello(int out) {
    struct buf b = {0};
    buf_str(&b, "HELLO syshotplug-agent 1 ");
    buf_escaped(&b, (const unsigned char *) release(), strlen(release()));
    buf_str(&b, "\n");
    int rc = write_all(out, b.data, b.len);
    free(b.data);
    return rc;
}

/* Serves until end of input; returns 0 then, -1 on an I/O error. */
static int serve(int in, int out) {
    struct buf line = {0}, resp = {0};
    char chunk[65536];
    int overlong = 0;
    for (;;) {
        ssize_t n = read(in, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        if (n == 0) return 0;
        for (ssize_t i = 0; i < n; i++) {
            char c = chunk[i];
            if (c == '\r') continue;
            if (c != '\n') {
                if (line.len < MAX_LINE) {
                    buf_add(&line, &c, 1);
                } else {
                    overlong = 1;
                }
                continue;
            }
            resp.len = 0;
            if (overlong) {
                buf_str(&resp, "0 ");
                bad(&resp, "request line too long");
                overlong = 0;
            } else {
                buf_add(&line, "", 1);
                handle(line.data, &resp);
            }
            line.len = 0;
            buf_str(&resp, "\n");
            if (write_all(out, resp.data, resp.len) != 0) return -1;
        }
    }
}

static int open_serial(const char *dev) {
    int fd = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "agent: cannot open %s: %s\n", dev, strerror(errno));
        return -1;
    }
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        fprintf(stderr, "agent: %s is not a terminal: %s\n", dev, strerror(errno));
        close(fd);
        return -1;
    }
    /* Raw: no echo, no line editing, no CR/LF translation, no flow control characters. */
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~CRTSCTS;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        fprintf(stderr, "agent: cannot make %s raw: %s\n", dev, strerror(errno));
        close(fd);
        return -1;
    }
    /* Whatever the host sent before the agent ran (pings while the kernel booted) is stale. */
    tcflush(fd, TCIOFLUSH);
    return fd;
}

static int usage(void) {
    fprintf(stderr, "usage: agent --serial DEVICE | agent --root DIR (--unix PATH | --stdio)\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *serial = NULL, *dir = NULL, *unix_path = NULL;
    int stdio_mode = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--serial") == 0 && i + 1 < argc) serial = argv[++i];
        else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) dir = argv[++i];
        else if (strcmp(argv[i], "--unix") == 0 && i + 1 < argc) unix_path = argv[++i];
        else if (strcmp(argv[i], "--stdio") == 0) stdio_mode = 1;
        else return usage();
    }
    signal(SIGPIPE, SIG_IGN);
    if (serial) {
        if (dir || unix_path || stdio_mode) return usage();
        for (;;) {
            int fd = open_serial(serial);
            if (fd < 0) return 1;
            fprintf(stderr, "agent: serving /sys and /proc on %s (kernel %s)\n", serial, release());
            if (hello(fd) == 0) serve(fd, fd);
            /* A serial port does not end; an error here is worth a fresh open, not a dead guest. */
            close(fd);
            sleep(1);
        }
    }
    if (!dir || (!unix_path) == !stdio_mode) return usage();
    if (!realpath(dir, root)) {
        fprintf(stderr, "agent: --root %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (strcmp(root, "/") == 0) root[0] = 0;
    test_mode = 1;
    if (stdio_mode) {
        if (hello(1) != 0) return 1;
        return serve(0, 1) == 0 ? 0 : 1;
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(unix_path) >= sizeof addr.sun_path) {
        fprintf(stderr, "agent: socket path too long: %s\n", unix_path);
        return 1;
    }
    strcpy(addr.sun_path, unix_path);
    unlink(unix_path);
    if (s < 0 || bind(s, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(s, 4) != 0) {
        fprintf(stderr, "agent: cannot listen on %s: %s\n", unix_path, strerror(errno));
        return 1;
    }
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "agent: accept: %s\n", strerror(errno));
            return 1;
        }
        if (hello(c) == 0) serve(c, c);
        close(c);
    }
}
