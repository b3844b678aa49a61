/* path.h - fd-relative path handling inside a container's rootfs.
 *
 * Every path inside a rootfs is resolved from a rootfs directory fd with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): ".." and absolute
 * symlinks stay inside the rootfs, so a symlink planted in an image can
 * never make brig open, create or mount on a host path.  Objects are only
 * ever created with *at() calls taking a single name relative to a parent
 * directory fd that was itself resolved that way; no function here joins
 * a rootfs path with a container path.
 */
#ifndef BRIG_PATH_H
#define BRIG_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

/* openat2 within ROOTFD.  Returns an fd or -1 with errno set. */
int path_open_in_root(int rootfd, const char *path, int flags, mode_t mode);

/* Create every missing directory of PATH under ROOTFD (mode MODE) and
 * return an O_PATH|O_DIRECTORY fd to the last one. */
int path_mkdirs_in_root(int rootfd, const char *path, mode_t mode, struct brig_err *err);

/* Ensure PATH exists under ROOTFD as a directory (IS_DIR) or an empty
 * regular file, creating parents; return an O_PATH fd to it.  An existing
 * object of the other kind is an error (ENOTDIR / EISDIR). */
int path_ensure_in_root(int rootfd, const char *path, bool is_dir, struct brig_err *err);

/* Resolve (creating, mode 0755) the parent directory of PATH under ROOTFD
 * and return an O_PATH fd to it; *NAME is set to the last component,
 * malloc'd.  PATH's last component may not be "", "." or "..": the caller
 * is about to create something with exactly that name. */
int path_parent_in_root(int rootfd, const char *path, char **name, struct brig_err *err);

#endif
