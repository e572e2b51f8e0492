"""Writing one file into the output folder so that nothing lands outside it, whatever happens
to the folder meanwhile: a planted symlink at the temp name, or a folder swapped for a symlink
while FreeCAD writes (#13).

FreeCAD's writers take a path, not a file descriptor, so the folder is opened once as a
directory handle and verified (it is where the checked path said, no symlink); the writer then
writes into a fresh private temp folder inside it, addressed through /proc/self/fd where
available (it cannot be redirected by renaming path components), into a file created with
O_EXCL|O_NOFOLLOW; the finished file is renamed by directory handle (renameat), which never
follows a link."""

import os

from .registry import OpError

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _inside(root, p):
    return os.path.commonpath([root, p]) == root


def _fd_path(fd):
    """Where an open directory really is (Linux); None where the OS cannot say."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _escape():
    return OpError(
        "export path escapes the output folder",
        hint="give a plain relative filename such as model.step",
        code="bad_path",
    )


class ConfinedWrite:
    """`with ConfinedWrite(root, folder, name) as w:` write to `w.temp_path`, then `w.commit()`;
    leaving the block without commit removes the temp file and folder."""

    def __init__(self, root, folder, name):
        self.root, self.folder, self.name = root, folder, name
        self.dir_fd = self.tmp_fd = None
        self.tmp_dir = f".cadagent-tmp-{os.urandom(8).hex()}"
        self.committed = False

    def __enter__(self):
        try:
            self.dir_fd = os.open(self.folder, _DIR_FLAGS)
        except OSError as e:
            raise OpError(f"cannot open the export folder ({e.strerror})", code="bad_path") from e
        real = _fd_path(self.dir_fd)
        if real is not None and not _inside(self.root, real):
            self._close()
            raise _escape()
        try:
            os.mkdir(self.tmp_dir, 0o700, dir_fd=self.dir_fd)
            self.tmp_fd = os.open(self.tmp_dir, _DIR_FLAGS, dir_fd=self.dir_fd)
            os.close(os.open(self.name, _NEW_FILE, 0o644, dir_fd=self.tmp_fd))
        except OSError as e:
            self._cleanup()
            raise OpError(f"cannot create the export's temp file ({e.strerror})", code="bad_path") from e
        base = f"/proc/self/fd/{self.tmp_fd}" if _fd_path(self.tmp_fd) else os.path.join(self.folder, self.tmp_dir)
        # The writer picks its format from the extension, which the temp name keeps.
        self.temp_path = os.path.join(base, self.name)
        return self

    def size(self):
        try:
            return os.stat(self.name, dir_fd=self.tmp_fd, follow_symlinks=False).st_size
        except OSError:
            return 0

    def commit(self):
        size = self.size()
        os.rename(self.name, self.name, src_dir_fd=self.tmp_fd, dst_dir_fd=self.dir_fd)
        self.committed = True
        return size

    def __exit__(self, *exc):
        self._cleanup()
        return False

    def _cleanup(self):
        if self.tmp_fd is not None:
            for entry in os.listdir(self.tmp_fd):
                try:
                    os.unlink(entry, dir_fd=self.tmp_fd)
                except OSError:
                    pass
        if self.dir_fd is not None:
            try:
                os.rmdir(self.tmp_dir, dir_fd=self.dir_fd)
            except OSError:
                pass
        self._close()

    def _close(self):
        for fd in (self.tmp_fd, self.dir_fd):
            if fd is not None:
                os.close(fd)
        self.tmp_fd = self.dir_fd = None
