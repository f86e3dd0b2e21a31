"""`flask media check [--fix]`: orphans, stale temporary files, missing and altered files."""

import hashlib
import os
import time
from pathlib import Path

import pytest

from fieldapp.media.check import check_media
from fieldapp.media.models import Photo
from fieldapp.media.storage import FilesystemStorage
from fieldapp.visits.models import Signature, Visit, VisitKind
from tests.test_sync_api import jpeg


@pytest.fixture
def media(app, tmp_path, monkeypatch):
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return FilesystemStorage(root)


def photo_row(db, storage, data: bytes) -> Photo:
    key, digest = storage.put(data, ".jpg")
    display_key, _ = storage.put(data + b"display", ".jpg")
    photo = Photo(
        sha256=digest,
        size=len(data),
        content_type="image/jpeg",
        width=10,
        height=10,
        storage_key=key,
        display_key=display_key,
        thumb_key=None,
    )
    db.session.add(photo)
    db.session.commit()
    return photo


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_clean_media_root_reports_nothing(db, media):
    photo_row(db, media, jpeg())
    report = check_media(media.root)
    assert report.files == 2 and report.referenced == 2
    assert report.clean and not (report.orphans or report.missing or report.corrupt)


def test_orphans_and_temporaries_are_fixed_only_when_old(db, media):
    photo = photo_row(db, media, jpeg())
    old_key, _ = media.put(b"old orphan", ".jpg")
    young_key, _ = media.put(b"young orphan", ".jpg")
    age(media.path(old_key), 3600)
    temp = media.path(old_key).parent / ".upload-abc123"
    temp.write_bytes(b"half a photo")
    age(temp, 3600)

    report = check_media(media.root, fix=False, grace=300)
    assert {p.key for p in report.orphans} == {old_key, young_key}
    assert len(report.temporaries) == 1 and not report.clean
    assert media.exists(old_key) and temp.exists()  # reporting changes nothing

    report = check_media(media.root, fix=True, grace=300)
    assert not media.exists(old_key) and not temp.exists()
    assert media.exists(young_key)  # may be an upload whose row is about to be committed
    assert media.exists(photo.storage_key) and media.exists(photo.display_key)
    assert report.clean  # only the young file is left, in its grace period

    report = check_media(media.root, fix=True, grace=0)
    assert not media.exists(young_key) and media.exists(photo.storage_key)
    assert check_media(media.root).orphans == []


def test_missing_and_altered_files_are_reported_never_deleted(db, media):
    photo = photo_row(db, media, jpeg())
    other = photo_row(db, media, jpeg(colour=(0, 0, 200)))
    media.path(photo.display_key).unlink()
    media.path(other.storage_key).write_bytes(b"not what was stored")

    report = check_media(media.root, fix=True, grace=0)
    assert [p.key for p in report.missing] == [photo.display_key]
    assert [p.key for p in report.corrupt] == [other.storage_key]
    assert media.exists(other.storage_key) and not report.clean


def test_signatures_count_as_references(db, media, make_user):
    user = make_user()
    visit = Visit(kind=VisitKind.RECORRIDO, inspector=user)
    key, digest = media.put(b"\x89PNG signature", ".png")
    db.session.add(visit)
    db.session.flush()
    db.session.add(
        Signature(visit_id=visit.id, signer_name="Vecina", sha256=digest, storage_key=key, size=5)
    )
    db.session.commit()
    report = check_media(media.root, fix=True, grace=0)
    assert report.clean and media.exists(key)
    assert hashlib.sha256(media.read(key)).hexdigest() == digest


def test_cli_exit_code_and_output(runner, db, media):
    photo_row(db, media, jpeg())
    orphan, _ = media.put(b"orphan", ".jpg")
    result = runner.invoke(args=["media", "check", "--grace", "0"])
    assert result.exit_code == 1 and "Huérfanos" in result.output and orphan in result.output
    result = runner.invoke(args=["media", "check", "--fix", "--grace", "0"])
    assert result.exit_code == 0, result.output
    assert "(borrado)" in result.output and not media.exists(orphan)
    result = runner.invoke(args=["media", "check"])
    assert result.exit_code == 0 and "Todo en orden" in result.output


def test_an_orphan_adopted_by_a_retry_is_young_again_and_kept(db, media):
    """A retry of a crashed upload finds its bytes already stored and reuses the file: the
    file must not be deleted as an old orphan while the retry commits its row."""
    data = b"photo bytes of a crashed upload"
    key, _ = media.put(data, ".jpg")
    age(media.path(key), 3600)
    assert media.put(data, ".jpg")[0] == key  # the retry adopts it
    report = check_media(media.root, fix=True, grace=300)
    assert media.exists(key) and report.orphans[0].detail


def test_fix_rechecks_references_just_before_deleting(db, media, monkeypatch):
    """The walk saw no row, but one was committed before the deletion: keep the file."""
    from fieldapp.media import check

    photo = photo_row(db, media, jpeg())
    age(media.path(photo.storage_key), 3600)
    monkeypatch.setattr(check, "referenced_keys", lambda: {})
    report = check_media(media.root, fix=True, grace=0)
    assert media.exists(photo.storage_key) and media.exists(photo.display_key)
    assert not any(p.fixed for p in report.orphans)
