"""A real SQLite write lock held by someone else while a photo arrives (not a mock)."""

import sqlite3
import uuid

import pytest
from sqlalchemy.engine import make_url

from fieldapp.media.check import check_media
from fieldapp.media.models import Photo
from fieldapp.media.storage import FilesystemStorage
from tests.helpers import count
from tests.test_sync_api import jpeg, put_photo


@pytest.fixture
def media(app, tmp_path, monkeypatch):
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return FilesystemStorage(root)


def test_photo_while_the_database_is_locked_is_a_503_then_stored_once(
    api, finding, media, db, database_url
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock; PostgreSQL is covered by the mocked errors")
    db.session.commit()
    blocker = sqlite3.connect(make_url(database_url).database, timeout=1)
    data, key = jpeg(), str(uuid.uuid4())
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process writing for a long time
        response = put_photo(api, data, f"finding={finding}", key)  # waits the busy timeout
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.get_json()["error"]["code"] == "database_unavailable"
    db.session.rollback()
    assert count(Photo) == 0
    orphans = check_media(media.root, grace=0).orphans
    assert len(orphans) == 3  # written before the row; harmless, and reused by the retry

    assert put_photo(api, data, f"finding={finding}", key).status_code == 201
    report = check_media(media.root, fix=True, grace=0)
    assert count(Photo) == 1 and report.clean and report.orphans == []
