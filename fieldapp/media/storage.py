"""Where photo bytes live: the filesystem by default (an S3 backend can share this interface)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


class FilesystemStorage:
    """Content-addressed files under ``root``: ``ab/cd/<sha256><ext>``, written atomically."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @staticmethod
    def key_for(sha256: str, extension: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{extension}"

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key escapes the media root: {key!r}")
        return path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, data: bytes, extension: str) -> tuple[str, str]:
        """Store ``data`` once; returns (key, sha256). Same bytes, same key."""
        digest = hashlib.sha256(data).hexdigest()
        key = self.key_for(digest, extension)
        target = self.path(key)
        if target.is_file():
            # Adopting a file already there (maybe an orphan of a crashed upload): make it
            # young again, so `flask media check --fix` leaves it alone until the row is in.
            os.utime(target)
            return key, digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: a crash never leaves a half file under the key.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key, digest

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()


def get_storage() -> FilesystemStorage:
    return FilesystemStorage(current_app.config["MEDIA_ROOT"])
