"""Faults while saving photos: a crash between the files and the row, a full disk."""

import errno
import sqlite3
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from fieldapp.api import sync
from fieldapp.media import storage as storage_module
from fieldapp.media.check import check_media
from fieldapp.media.models import Photo
from fieldapp.media.storage import FilesystemStorage
from tests.helpers import count
from tests.test_sync_api import jpeg, put_photo, sha


@pytest.fixture
def media(app, tmp_path, monkeypatch):
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return FilesystemStorage(root)


def files_under(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_crash_between_files_and_row_leaves_only_orphans_check_fixes_them(
    api, finding, media, db, monkeypatch
):
    """The commit fails after the files were written (as if the server died there): no
    row, only complete orphan files; `media check --fix` removes them and the phone's
    retry stores the photo exactly once."""
    data, key = jpeg(), str(uuid.uuid4())
    locked = sa_exc.OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    def crash(serialize, created):
        raise locked

    with monkeypatch.context() as patch:
        patch.setattr(sync, "answer", crash)
        response = put_photo(api, data, f"finding={finding}", key)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert count(Photo) == 0
    written = files_under(media.root)
    assert len(written) == 3  # original, display, thumbnail: all complete, none temporary

    report = check_media(media.root, fix=True, grace=0)
    assert sorted(p.key for p in report.orphans) == written
    assert all(p.fixed for p in report.orphans) and files_under(media.root) == []

    assert put_photo(api, data, f"finding={finding}", key).status_code == 201
    assert put_photo(api, data, f"finding={finding}", key).status_code == 200
    photo = db.session.scalar(sa.select(Photo))
    assert count(Photo) == 1 and photo.sha256 == sha(data)
    assert sha(media.read(photo.storage_key)) == sha(data)
    assert check_media(media.root, fix=True, grace=0).clean
    assert len(files_under(media.root)) == 3


def test_disk_full_while_saving_a_photo_is_a_clear_retryable_error(
    api, finding, media, db, monkeypatch
):
    data = jpeg()
    real_fdopen = storage_module.os.fdopen

    class FullFile:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, chunk):
            self.fh.write(chunk[: len(chunk) // 2])  # part of it went to disk, then no more
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(storage_module.os, "fdopen", lambda fd, mode: FullFile(real_fdopen(fd, mode)))
        response = put_photo(api, data, f"finding={finding}")
    assert response.status_code == 507
    assert response.headers["Retry-After"]
    error = response.get_json()["error"]
    assert error["code"] == "insufficient_storage"
    assert error["message"].startswith("No hay espacio en el servidor")
    assert count(Photo) == 0
    assert files_under(media.root) == []  # no half file under the key, no temporary

    assert put_photo(api, data, f"finding={finding}").status_code == 201  # space is back
    assert count(Photo) == 1 and check_media(media.root, grace=0).clean


def test_other_os_errors_stay_500(api, finding, media, monkeypatch):
    def broken(self, data, extension):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(FilesystemStorage, "put", broken)
    response = put_photo(api, jpeg(), f"finding={finding}")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


def test_sqlite_disk_full_is_a_503(api, visit, monkeypatch):
    full = sa_exc.OperationalError(
        "INSERT", {}, sqlite3.OperationalError("database or disk is full")
    )

    def upsert(*args, **kwargs):
        raise full

    monkeypatch.setattr(sync, "upsert_finding", upsert)
    monkeypatch.setattr(sync, "parse_finding", lambda data: object())
    response = api.put(f"/api/v1/findings/{uuid.uuid4()}", {})
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
