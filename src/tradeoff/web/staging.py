"""Uploaded CSV files kept between the steps of the web import (upload → mapping → preview → import).

A web form cannot carry a large file from one step to the next, so the upload is kept in a private folder
under the install's home (`<home>/imports`), named by workspace, user and a random token. Only the person who
uploaded it, in the same workspace, can use it; it is deleted after the import and stale files after a day.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from tradeoff.errors import FieldError, InvalidInput

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder(home: Path) -> Path:
    folder = home / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(home: Path, workspace_id: int, user_id: int, token: str) -> Path:
    return _folder(home) / f"{workspace_id}-{user_id}-{token}.csv"


def stash(home: Path, workspace_id: int, user_id: int, data: bytes) -> str:
    """Keep `data`; returns the token that names it. Also clears uploads older than a day."""
    _clear_stale(_folder(home))
    token = secrets.token_urlsafe(24)
    _path(home, workspace_id, user_id, token).write_bytes(data)
    return token


def load(home: Path, workspace_id: int, user_id: int, token: str) -> bytes:
    """The stashed upload, or InvalidInput when it is gone (imported already, expired, or not this person's)."""
    path = _path(home, workspace_id, user_id, token) if _TOKEN.match(token) else None
    if path is None or not path.is_file():
        raise InvalidInput("the uploaded file is no longer here (it was imported already or is more than a day old); "
                           "upload it again", [FieldError(["body", "file"], "upload expired")])
    return path.read_bytes()


def discard(home: Path, workspace_id: int, user_id: int, token: str) -> None:
    if _TOKEN.match(token):
        _path(home, workspace_id, user_id, token).unlink(missing_ok=True)


def _clear_stale(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except OSError:
            continue  # another request removed it meanwhile
