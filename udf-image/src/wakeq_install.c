/*
 * wakeq-install SRC_SO PLUGIN_DIR
 * wakeq-install --all SRC_DIR PLUGIN_DIR
 * wakeq-install --prune-except VERSION[,VERSION...] --listed "LIBRARY..." PLUGIN_DIR
 *
 * Puts libwakeq_notify_<version>.so into a server's plugin directory without
 * ever writing into a file the server may have mapped: overwriting a loaded
 * .so in place makes mysqld/mariadbd die with SIGBUS. The new bytes go to a
 * temporary file in the same directory (so rename stays on one filesystem),
 * are fsynced, made 0644 and then rename(2)d onto the final name; the server
 * keeps its old mapping of the old inode until it loads the library again.
 *
 * --prune-except deletes the libraries of every other version, after a release
 * has moved every trigger and event off them and dropped their functions. It
 * cannot ask the server which libraries its functions still load, so the caller
 * must say: --listed takes the server's `SELECT dl FROM mysql.func` (names
 * separated by spaces, commas or newlines; "" when none), and a library in it is
 * never deleted: a function whose file is gone at the next server start crashes
 * MySQL 8 at its first call (docs/design.md, "A function listed but not loaded").
 *
 * Built static so the image's last stage can be `scratch`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exit codes, after sysexits.h; README.md documents them. */
#define EXIT_OK 0
#define EXIT_USAGE 64    /* wrong command line, or a file name that is not libwakeq_notify_<v>.so */
#define EXIT_DATAERR 65  /* --prune-except would delete a library the server still lists in mysql.func */
#define EXIT_NOINPUT 66  /* source missing, unreadable, not a regular file, or --all found nothing */
#define EXIT_CANTCREAT 73 /* plugin dir missing, not a directory, or not writable */
#define EXIT_IOERR 74    /* reading, writing, fsync or rename failed */

#define PREFIX "libwakeq_notify_"
#define SUFFIX ".so"
#define VERSION_MAX 16
#define KEEP_MAX 16

static const char *prog = "wakeq-install";

static int fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

/* Only libwakeq_notify_<[a-z0-9_]{1,16}>.so: this tool must not become a way to drop any file into plugin_dir. */
static int valid_name(const char *name)
{
    size_t n = strlen(name), p = strlen(PREFIX), s = strlen(SUFFIX);
    if (n <= p + s || n > p + s + VERSION_MAX)
        return 0;
    if (strncmp(name, PREFIX, p) != 0 || strcmp(name + n - s, SUFFIX) != 0)
        return 0;
    for (size_t i = p; i < n - s; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Whole-buffer read or write: short transfers and EINTR are normal on some filesystems. */
static int transfer_fully(int fd, char *buf, size_t len, int writing)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = writing ? write(fd, buf + off, len - off) : read(fd, buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* Returns 1 when dst already holds exactly these bytes with mode 0644 (nothing to do). */
static int already_installed(const char *dst, const char *data, size_t len)
{
    struct stat st;
    int fd = open(dst, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int same = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len
        && (st.st_mode & 07777) == 0644) {
        char *have = malloc(len ? len : 1);
        if (have && transfer_fully(fd, have, len, 0) == 0 && memcmp(have, data, len) == 0)
            same = 1;
        free(have);
    }
    close(fd);
    return same;
}

static int load_source(const char *src, char **data, size_t *len)
{
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(EXIT_NOINPUT, "cannot open source %s: %s", src, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(EXIT_NOINPUT, "source %s is not a regular file", src);
    }
    *len = (size_t)st.st_size;
    *data = malloc(*len ? *len : 1);
    if (!*data || transfer_fully(fd, *data, *len, 0) != 0) {
        close(fd);
        free(*data);
        *data = NULL;
        return fail(EXIT_IOERR, "cannot read source %s", src);
    }
    close(fd);
    return EXIT_OK;
}

static int check_plugin_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return fail(EXIT_CANTCREAT, "plugin dir %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail(EXIT_CANTCREAT, "plugin dir %s is not a directory", dir);
    if (access(dir, W_OK | X_OK) != 0)
        return fail(EXIT_CANTCREAT, "plugin dir %s is not writable: %s", dir, strerror(errno));
    return EXIT_OK;
}

/* Makes a rename or unlink in dir durable; a failure leaves the right files, so it only warns. */
static void sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0)
        fprintf(stderr, "%s: warning: cannot fsync %s: %s\n", prog, dir, strerror(errno));
    if (dfd >= 0)
        close(dfd);
}

/* Temp file + fsync + chmod + rename + fsync(dir); the temp file never outlives a failure. */
static int replace_atomically(const char *dir, const char *name, const char *data, size_t len)
{
    char dst[4096], tmp[4096];
    if ((size_t)snprintf(dst, sizeof dst, "%s/%s", dir, name) >= sizeof dst
        || (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.tmp.XXXXXX", dir, name) >= sizeof tmp)
        return fail(EXIT_USAGE, "path too long: %s/%s", dir, name);

    if (already_installed(dst, data, len)) {
        printf("%s: unchanged %s (%zu bytes)\n", prog, dst, len);
        return EXIT_OK;
    }

    int fd = mkstemp(tmp);
    if (fd < 0)
        return fail(EXIT_CANTCREAT, "cannot create a temporary file in %s: %s", dir, strerror(errno));
    const char *step = NULL;
    if (transfer_fully(fd, (char *)data, len, 1) != 0)
        step = "write";
    else if (fchmod(fd, 0644) != 0)
        step = "chmod";
    else if (fsync(fd) != 0)
        step = "fsync";
    int saved = errno;
    if (close(fd) != 0 && !step) {
        step = "close";
        saved = errno;
    }
    if (!step && rename(tmp, dst) != 0) {
        step = "rename";
        saved = errno;
    }
    if (step) {
        unlink(tmp);
        return fail(EXIT_IOERR, "%s of %s failed: %s", step, step[0] == 'r' ? dst : tmp, strerror(saved));
    }

    sync_dir(dir);
    printf("%s: installed %s (%zu bytes)\n", prog, dst, len);
    return EXIT_OK;
}

static int install_one(const char *src, const char *dir)
{
    const char *name = base_name(src);
    if (!valid_name(name))
        return fail(EXIT_USAGE, "%s: file name must be " PREFIX "<[a-z0-9_]{1,16}>" SUFFIX, src);
    int rc = check_plugin_dir(dir);
    if (rc != EXIT_OK)
        return rc;
    char *data = NULL;
    size_t len = 0;
    rc = load_source(src, &data, &len);
    if (rc != EXIT_OK)
        return rc;
    rc = replace_atomically(dir, name, data, len);
    free(data);
    return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int matches_library(const struct dirent *d)
{
    return valid_name(d->d_name);
}

/* Every library in the image, in name order; the first failure decides the exit code. */
static int install_all(const char *src_dir, const char *dir)
{
    struct dirent **list;
    int n = scandir(src_dir, &list, matches_library, by_name);
    if (n < 0)
        return fail(EXIT_NOINPUT, "cannot read %s: %s", src_dir, strerror(errno));
    if (n == 0) {
        free(list);
        return fail(EXIT_NOINPUT, "no " PREFIX "*" SUFFIX " in %s", src_dir);
    }
    int rc = EXIT_OK;
    for (int i = 0; i < n; i++) {
        char src[4096];
        int one;
        if ((size_t)snprintf(src, sizeof src, "%s/%s", src_dir, list[i]->d_name) >= sizeof src)
            one = fail(EXIT_USAGE, "path too long: %s/%s", src_dir, list[i]->d_name);
        else
            one = install_one(src, dir);
        if (rc == EXIT_OK)
            rc = one;
        free(list[i]);
    }
    free(list);
    return rc;
}

/* The version token of a valid library file name: what lies between PREFIX and SUFFIX. */
static void version_of(const char *name, char version[VERSION_MAX + 1])
{
    size_t p = strlen(PREFIX), len = strlen(name) - p - strlen(SUFFIX);
    memcpy(version, name + p, len);
    version[len] = '\0';
}

/* Splits "v2,v1" into valid version tokens; 0 when the list is empty, too long or a token is invalid. */
static int parse_keep(const char *list, char keep[KEEP_MAX][VERSION_MAX + 1], int *count)
{
    *count = 0;
    const char *start = list;
    for (;;) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        char name[sizeof PREFIX + VERSION_MAX + sizeof SUFFIX];
        if (*count == KEEP_MAX || len == 0 || len > VERSION_MAX)
            return 0;
        snprintf(name, sizeof name, PREFIX "%.*s" SUFFIX, (int)len, start);
        if (!valid_name(name))
            return 0;
        memcpy(keep[*count], start, len);
        keep[(*count)++][len] = '\0';
        if (!end)
            return 1;
        start = end + 1;
    }
}

static int kept(const char *version, char keep[KEEP_MAX][VERSION_MAX + 1], int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(version, keep[i]) == 0)
            return 1;
    return 0;
}

/*
 * Deletes every libwakeq_notify_<v>.so in PLUGIN_DIR whose version is not in the keep list, and nothing else:
 * other files (the server's own plugins, temp files) never match valid_name. Before deleting anything it checks
 * that each version to keep is there, so a mistyped list cannot remove the library the triggers call.
 *
 * Unlinking a library a server has loaded is safe on Linux: dlopen keeps the file mapped, a mapping holds a
 * reference to the inode, and the bytes stay until the last mapping goes, so the loaded function keeps working
 * (the server's /proc/PID/maps then shows the file as "(deleted)"). What is lost is the name: a later CREATE
 * FUNCTION of that version fails with error 1126, and at the next server start the function recorded in
 * mysql.func cannot be loaded: MariaDB 10.11 answers its callers with error 1305, MySQL 8.0.31 crashed
 * (signal 11) at the first call. So prune a version only after its function was dropped (the operator does
 * that once no trigger or event calls it); tests/test-install.sh and LibraryPruneOnServerTest (Java, both
 * servers) check all of this.
 */
/* True when NAME is one of the words of LISTED (separated by spaces, tabs, commas or newlines). */
static int listed_by_server(const char *name, const char *listed)
{
    size_t len = strlen(name);
    for (const char *p = listed; *p;) {
        size_t word = strcspn(p, " \t\r\n,");
        if (word == len && strncmp(p, name, len) == 0)
            return 1;
        p += word;
        p += strspn(p, " \t\r\n,");
    }
    return 0;
}

static int prune_except(const char *list, const char *listed, const char *dir)
{
    char keep[KEEP_MAX][VERSION_MAX + 1];
    int keeps;
    if (!parse_keep(list, keep, &keeps))
        return fail(EXIT_USAGE, "--prune-except takes 1 to %d comma-separated versions [a-z0-9_]{1,16}, got '%s'",
                    KEEP_MAX, list);
    int rc = check_plugin_dir(dir);
    if (rc != EXIT_OK)
        return rc;
    struct dirent **found;
    int n = scandir(dir, &found, matches_library, by_name);
    if (n < 0)
        return fail(EXIT_CANTCREAT, "cannot read %s: %s", dir, strerror(errno));
    char version[VERSION_MAX + 1];
    for (int k = 0; k < keeps && rc == EXIT_OK; k++) {
        int present = 0;
        for (int i = 0; i < n && !present; i++) {
            version_of(found[i]->d_name, version);
            present = strcmp(version, keep[k]) == 0;
        }
        if (!present)
            rc = fail(EXIT_NOINPUT, "refusing to prune: " PREFIX "%s" SUFFIX " (to keep) is not in %s", keep[k], dir);
    }
    for (int i = 0; i < n && rc == EXIT_OK; i++) {
        version_of(found[i]->d_name, version);
        if (!kept(version, keep, keeps) && listed_by_server(found[i]->d_name, listed))
            rc = fail(EXIT_DATAERR, "refusing to prune: the server still lists a function loading %s in mysql.func; "
                      "prune only after wakeq_notify_%s was dropped (a release drops it once nothing calls it)",
                      found[i]->d_name, version);
    }
    int removed = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        version_of(found[i]->d_name, version);
        if (rc == EXIT_NOINPUT || rc == EXIT_DATAERR) {
            /* refused: delete nothing */
        } else if (kept(version, keep, keeps)) {
            printf("%s: kept %s/%s\n", prog, dir, found[i]->d_name);
        } else if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, found[i]->d_name) >= sizeof path
                   || unlink(path) != 0) {
            /* Go on with the others: each file is independent; the exit code reports the failure. */
            rc = fail(EXIT_IOERR, "cannot remove %s/%s: %s", dir, found[i]->d_name, strerror(errno));
        } else {
            printf("%s: removed %s\n", prog, path);
            removed++;
        }
        free(found[i]);
    }
    free(found);
    if (removed > 0) {
        sync_dir(dir);
    } else if (rc == EXIT_OK) {
        printf("%s: nothing to prune in %s\n", prog, dir);
    }
    return rc;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: %s SRC_SO PLUGIN_DIR\n"
            "       %s --all SRC_DIR PLUGIN_DIR\n"
            "       %s --prune-except VERSION[,VERSION...] --listed \"LIBRARY...\" PLUGIN_DIR\n"
            "Installs " PREFIX "<version>" SUFFIX " into PLUGIN_DIR by temp file + rename,\n"
            "never writing into a file a running server may have loaded; --prune-except\n"
            "deletes the " PREFIX "<version>" SUFFIX " files of all other versions, never one in\n"
            "--listed (the server's: mysql -NBe 'SELECT dl FROM mysql.func'; \"\" for none).\n"
            "Exit codes: 0 ok (installed, unchanged or pruned), 64 usage/bad name, 65 a library to\n"
            "prune is still listed by the server, 66 no input\n"
            "(or a version to keep is missing), 73 plugin dir unusable, 74 I/O error.\n",
            prog, prog, prog);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--all") == 0)
        return install_all(argv[2], argv[3]);
    if (argc == 6 && strcmp(argv[1], "--prune-except") == 0 && strcmp(argv[3], "--listed") == 0)
        return prune_except(argv[2], argv[4], argv[5]);
    if (argc >= 2 && strcmp(argv[1], "--prune-except") == 0 && (argc < 4 || strcmp(argv[3], "--listed") != 0))
        fprintf(stderr, "%s: --prune-except needs --listed: the libraries the server's functions still load\n", prog);
    if (argc == 3 && argv[1][0] != '-')
        return install_one(argv[1], argv[2]);
    return usage();
}
