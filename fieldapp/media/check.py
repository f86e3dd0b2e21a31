"""Media consistency: the files under MEDIA_ROOT against the rows that reference them.

Files are written before their row (``store_photo``, ``ingest_signature``), so a crash or
a failed commit between the two leaves an *orphan*: a complete, content-addressed file no
row points to. An interrupted write leaves a ``.upload-*`` temporary file beside its
target (``FilesystemStorage.put`` renames it into place only once complete). Neither is
harmful — a retry of the same upload reuses the file, by content — but both take disk.

``check_media`` reports orphans, stale temporary files, rows whose file is missing, and
files whose SHA-256 does not match their name (or their row). ``fix=True`` deletes
orphans and temporary files older than ``grace`` — an upload in progress right now has
written its file but not yet committed its row, so young files are left alone — and
never touches a referenced file; missing or corrupt files can only be reported.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.media.models import Photo
from fieldapp.visits.models import Signature

TEMP_PREFIX = ".upload-"
DEFAULT_GRACE_SECONDS = 300
# ab/cd/<64 hex><ext>: what FilesystemStorage.key_for makes.
KEY_RE = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})(\.[A-Za-z0-9]+)?$")


@dataclass
class Problem:
    key: str
    detail: str = ""
    fixed: bool = False


@dataclass
class MediaReport:
    files: int = 0
    referenced: int = 0
    orphans: list[Problem] = field(default_factory=list)
    temporaries: list[Problem] = field(default_factory=list)
    missing: list[Problem] = field(default_factory=list)
    corrupt: list[Problem] = field(default_factory=list)
    unknown: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing left to fix or report (young files in their grace period excepted)."""
        pending = [p for p in self.orphans + self.temporaries if not p.fixed and not p.detail]
        return not (pending or self.missing or self.corrupt)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def referenced_keys() -> dict[str, str | None]:
    """Every storage key a row points to → the SHA-256 the row expects (None when the row
    only names the file, as for display variants)."""
    keys: dict[str, str | None] = {}
    rows = db.session.execute(
        sa.select(Photo.storage_key, Photo.sha256, Photo.display_key, Photo.thumb_key)
    )
    for storage_key, sha256, display_key, thumb_key in rows:
        keys[storage_key] = sha256
        for variant in (display_key, thumb_key):
            if variant:
                keys.setdefault(variant, None)
    for storage_key, sha256 in db.session.execute(
        sa.select(Signature.storage_key, Signature.sha256)
    ):
        keys[storage_key] = sha256
    return keys


def _walk(root: Path):
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            yield path, path.relative_to(root).as_posix()


def check_media(
    root: str | os.PathLike,
    fix: bool = False,
    grace: float = DEFAULT_GRACE_SECONDS,
    verify_hashes: bool = True,
    now: float | None = None,
) -> MediaReport:
    root = Path(root)
    now = time.time() if now is None else now
    expected = referenced_keys()
    report = MediaReport(referenced=len(expected))
    seen: set[str] = set()
    if root.is_dir():
        for path, key in _walk(root):
            try:
                age = now - path.stat().st_mtime
            except FileNotFoundError:
                continue  # renamed or removed while we looked
            if path.name.startswith(TEMP_PREFIX):
                _remove(report.temporaries, root, path, key, age, grace, fix)
                continue
            report.files += 1
            match = KEY_RE.match(key)
            if key not in expected:
                if match is None:
                    report.unknown.append(Problem(key, "not a storage key"))
                else:
                    _remove(report.orphans, root, path, key, age, grace, fix)
                continue
            seen.add(key)
            if verify_hashes:
                actual = file_sha256(path)
                named = match.group(3) if match else None
                wanted = expected[key] or named
                if actual != wanted or (named and actual != named):
                    report.corrupt.append(Problem(key, f"sha256 {actual}"))
    for key in sorted(set(expected) - seen):
        report.missing.append(Problem(key))
    return report


def _still_unreferenced(path: Path, key: str, grace: float) -> bool:
    """Just before deleting: an upload of the same bytes may have adopted the file since
    the walk began (``put`` refreshes its time, then the row is committed)."""
    try:
        if time.time() - path.stat().st_mtime < grace:
            return False
    except FileNotFoundError:
        return False
    if path.name.startswith(TEMP_PREFIX):
        return True
    db.session.rollback()  # a fresh snapshot: see rows committed since the walk began
    photo = sa.select(Photo.id).where(
        sa.or_(Photo.storage_key == key, Photo.display_key == key, Photo.thumb_key == key)
    )
    signature = sa.select(Signature.id).where(Signature.storage_key == key)
    return db.session.scalar(photo.limit(1)) is None and (
        db.session.scalar(signature.limit(1)) is None
    )


def _remove(
    bucket: list, root: Path, path: Path, key: str, age: float, grace: float, fix: bool
) -> None:
    """Record an unreferenced file; delete it when fixing and it is older than ``grace``."""
    if age < grace:
        bucket.append(Problem(key, f"younger than {int(grace)} s, left alone"))
        return
    problem = Problem(key)
    if fix:
        if not _still_unreferenced(path, key, grace):
            bucket.append(Problem(key, "adopted by an upload meanwhile, left alone"))
            return
        path.unlink(missing_ok=True)
        problem.fixed = True
        for parent in (path.parent, path.parent.parent):
            if parent == root or root not in parent.parents:
                break
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
    bucket.append(problem)
