"""Private files and folders: the install's home, its SQLite database (with its -wal and -shm files) and secret key
hold password and token hashes and customers' data, so only the user running Tradeoff may read them."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create `path` (and missing parents) if it does not exist; the folder itself is made rwx for its owner only.
    A folder that exists already is left as it is: it may be a shared one the operator chose on purpose."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        path.chmod(FOLDER_MODE)  # mkdir's mode is cut by the umask; say it exactly
    return path


def private_sqlite_file(path: Path) -> None:
    """Make the SQLite database at `path` rw for its owner only: created empty (a valid empty database) with that mode
    before SQLite opens it, since SQLite gives its -wal and -shm files the database file's mode; an existing
    database and its -wal and -shm files are narrowed to it."""
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.exists() and file.stat().st_mode & 0o777 != FILE_MODE:
                file.chmod(FILE_MODE)
        except OSError:  # not ours to change (another user's file opened read-only): SQLite will say what it can do
            pass
