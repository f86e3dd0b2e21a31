"""Fotos: originals kept and addressed by SHA-256, with their EXIF time and GPS."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import ClientUUIDMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from fieldapp.findings.models import Finding, FindingUpdate
    from fieldapp.visits.models import Visit


class Photo(ClientUUIDMixin, db.Model):
    __tablename__ = "photos"
    __table_args__ = (
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column()
    content_type: Mapped[str] = mapped_column(sa.String(60))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    # Display variants (EXIF orientation applied): long edge 1600 px, and a thumbnail.
    display_key: Mapped[str | None] = mapped_column(sa.String(255))
    thumb_key: Mapped[str | None] = mapped_column(sa.String(255))
    exif_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exif_lat: Mapped[float | None] = mapped_column()
    exif_lon: Mapped[float | None] = mapped_column()
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id"), index=True)
    finding_update_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("finding_updates.id"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    finding: Mapped[Finding | None] = relationship(back_populates="photos")
    finding_update: Mapped[FindingUpdate | None] = relationship(back_populates="photos")
    visit: Mapped[Visit | None] = relationship(back_populates="photos")

    def __repr__(self) -> str:
        return f"<Photo {self.uuid} {self.sha256[:12]}>"
