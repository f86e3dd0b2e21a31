"""Hallazgos / demandas ciudadanas, their follow-up, categories and responsible areas."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import ClientUUIDMixin, TimestampMixin, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from fieldapp.media.models import Photo
    from fieldapp.territory.models import TerritorialUnit
    from fieldapp.visits.models import Visit


class FindingStatus(enum.StrEnum):
    REPORTADA = "reportada"
    CANALIZADA = "canalizada"
    EN_ATENCION = "en_atencion"
    ATENDIDA = "atendida"
    VERIFICADA = "verificada"
    NO_PROCEDE = "no_procede"
    DUPLICADA = "duplicada"


class Priority(enum.StrEnum):
    BAJA = "baja"
    MEDIA = "media"
    ALTA = "alta"


class Area(TimestampMixin, db.Model):
    """Área responsable / dirección where demands are routed."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


class Category(TimestampMixin, db.Model):
    __tablename__ = "categories"
    __table_args__ = (sa.CheckConstraint("expected_days > 0", name="expected_days_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    default_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    color: Mapped[str] = mapped_column(sa.String(7), default="#1f5fa8")
    icon: Mapped[str | None] = mapped_column(sa.String(40))
    expected_days: Mapped[int] = mapped_column(default=15)
    active: Mapped[bool] = mapped_column(default=True)

    default_area: Mapped[Area | None] = relationship()

    def __repr__(self) -> str:
        return f"<Category {self.code}>"


class Finding(ClientUUIDMixin, TimestampMixin, db.Model):
    """A point seen in the field: category, note, photos, its UT derived on the server."""

    __tablename__ = "findings"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_positive"),
        sa.Index("ix_findings_status_category_id", "status", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    accuracy_m: Mapped[float | None] = mapped_column()
    territorial_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territorial_units.id"), index=True
    )
    outside_unit: Mapped[bool] = mapped_column(default=False)
    nearest_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territorial_units.id"))
    nearest_distance_m: Mapped[float | None] = mapped_column()
    status: Mapped[FindingStatus] = mapped_column(
        enum_type(FindingStatus, "finding_status"), default=FindingStatus.REPORTADA
    )
    priority: Mapped[Priority] = mapped_column(
        enum_type(Priority, "finding_priority"), default=Priority.MEDIA
    )
    # Private: never in public outputs.
    requester_name: Mapped[str | None] = mapped_column(sa.String(200))
    requester_phone: Mapped[str | None] = mapped_column(sa.String(40))
    external_folio: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id"))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # What the phone claimed when its clock was ahead of the server's (then captured_at
    # holds the time the server received it).
    device_captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit | None] = relationship(back_populates="findings")
    category: Mapped[Category] = relationship()
    area: Mapped[Area | None] = relationship()
    territorial_unit: Mapped[TerritorialUnit | None] = relationship(
        foreign_keys=[territorial_unit_id]
    )
    nearest_unit: Mapped[TerritorialUnit | None] = relationship(foreign_keys=[nearest_unit_id])
    duplicate_of: Mapped[Finding | None] = relationship(remote_side=[id])
    updates: Mapped[list[FindingUpdate]] = relationship(
        back_populates="finding", order_by="FindingUpdate.created_at"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="finding", order_by="Photo.created_at"
    )

    def __repr__(self) -> str:
        return f"<Finding {self.uuid} {self.status}>"


class FindingUpdate(ClientUUIDMixin, db.Model):
    """Seguimiento: append-only history of a finding (status change, note, after photos)."""

    __tablename__ = "finding_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("findings.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[FindingStatus | None] = mapped_column(
        enum_type(FindingStatus, "finding_update_from_status")
    )
    to_status: Mapped[FindingStatus | None] = mapped_column(
        enum_type(FindingStatus, "finding_update_to_status")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"))
    external_folio: Mapped[str | None] = mapped_column(sa.String(80))

    finding: Mapped[Finding] = relationship(back_populates="updates")
    photos: Mapped[list[Photo]] = relationship(back_populates="finding_update")

    def __repr__(self) -> str:
        return f"<FindingUpdate {self.from_status}->{self.to_status} finding={self.finding_id}>"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete history."""


@event.listens_for(FindingUpdate, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("Los seguimientos no se modifican: agrega uno nuevo.")


@event.listens_for(FindingUpdate, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("Los seguimientos no se borran: agrega uno nuevo.")
