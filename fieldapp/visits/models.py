"""Visitas: recorridos, supervisiones de obra, evaluaciones de servicio, asambleas."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import ClientUUIDMixin, TimestampMixin, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from fieldapp.auth.models import User
    from fieldapp.findings.models import Finding
    from fieldapp.media.models import Photo
    from fieldapp.projects.models import Project
    from fieldapp.territory.models import TerritorialUnit


class VisitKind(enum.StrEnum):
    RECORRIDO = "recorrido"
    SUPERVISION_OBRA = "supervision_obra"
    EVALUACION_SERVICIO = "evaluacion_servicio"
    ASAMBLEA = "asamblea"


class VisitStatus(enum.StrEnum):
    BORRADOR = "borrador"
    ENVIADA = "enviada"
    VALIDADA = "validada"
    DEVUELTA = "devuelta"


class Visit(ClientUUIDMixin, TimestampMixin, db.Model):
    """Who went where, when, with whom; the GPS track and what was found."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint(
            "progress_pct IS NULL OR (progress_pct >= 0 AND progress_pct <= 100)",
            name="progress_range",
        ),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        sa.Index("ix_visits_kind_started_at", "kind", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VisitKind] = mapped_column(enum_type(VisitKind, "visit_kind"))
    status: Mapped[VisitStatus] = mapped_column(
        enum_type(VisitStatus, "visit_status"), default=VisitStatus.BORRADOR, index=True
    )
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The phone's claim when its clock was ahead of the server's (see Finding).
    device_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    territorial_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territorial_units.id"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"name": ..., "role": ...}, ...]
    participants: Mapped[list] = mapped_column(sa.JSON, default=list)
    # GeoJSON LineString coordinates [[lon, lat, accuracy_m, epoch_ms], ...]
    track: Mapped[list | None] = mapped_column(sa.JSON)
    attendance_count: Mapped[int | None] = mapped_column()
    progress_pct: Mapped[float | None] = mapped_column()
    # Service evaluation or supervision checklist: [{"item": ..., "result": ...}, ...]
    checklist: Mapped[list | None] = mapped_column(sa.JSON)
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    territorial_unit: Mapped[TerritorialUnit | None] = relationship()
    project: Mapped[Project | None] = relationship(back_populates="supervisions")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="visit", order_by="Finding.captured_at"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="visit", foreign_keys="Signature.visit_id"
    )
    photos: Mapped[list[Photo]] = relationship(back_populates="visit")

    def __repr__(self) -> str:
        return f"<Visit {self.uuid} {self.kind} {self.status}>"


class Signature(ClientUUIDMixin, db.Model):
    """A signature drawn on the phone (PNG), for a visit or a project's acta."""

    __tablename__ = "signatures"
    __table_args__ = (
        sa.CheckConstraint(
            "visit_id IS NOT NULL OR project_id IS NOT NULL", name="belongs_somewhere"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_role: Mapped[str | None] = mapped_column(sa.String(120))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column()
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit | None] = relationship(back_populates="signatures")

    def __repr__(self) -> str:
        return f"<Signature {self.signer_name} visit={self.visit_id} project={self.project_id}>"
