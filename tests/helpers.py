"""Small helpers shared by the tests."""

from __future__ import annotations

import re

import sqlalchemy as sa

from fieldapp.extensions import db

PASSWORD = "tortuga-azul-en-bici"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "the page has no CSRF token"
    return match.group(1)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
