"""Plan anual (POA): what the office promised to do each quarter; documents issued."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import TimestampMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from fieldapp.auth.models import User
    from fieldapp.findings.models import Area


class PlannedActivity(TimestampMixin, db.Model):
    __tablename__ = "planned_activities"
    __table_args__ = (
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        sa.CheckConstraint("target_count >= 0", name="target_positive"),
        sa.UniqueConstraint("year", "quarter", "activity_kind", "area_id", name="uq_planned_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    # A visit kind (recorrido, supervision_obra, ...) or another POA activity code.
    activity_kind: Mapped[str] = mapped_column(sa.String(60))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    target_count: Mapped[int] = mapped_column()

    area: Mapped[Area | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<PlannedActivity {self.year}T{self.quarter} {self.activity_kind}={self.target_count}>"
        )


class IssuedDocument(db.Model):
    """A PDF as it was issued: its short code leads to /verify/<code>, which shows what it
    was issued for, when, and the SHA-256 of its bytes, so a printed copy can be checked."""

    __tablename__ = "issued_documents"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True, index=True)
    # evidencia_visita, acta_entrega, informe_trimestral
    kind: Mapped[str] = mapped_column(sa.String(40))
    # What it was issued for: a visit or project UUID, or a quarter such as 2026-3.
    target: Mapped[str] = mapped_column(sa.String(80), index=True)
    # A public one-line description, written when issued (no personal data).
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    issued_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.code} {self.kind} {self.sha256[:12]}>"
