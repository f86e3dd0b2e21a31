"""Proyectos / obras of the Presupuesto Participativo and their committees."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import ClientUUIDMixin, TimestampMixin

if TYPE_CHECKING:
    from fieldapp.territory.models import TerritorialUnit
    from fieldapp.visits.models import Visit


class Project(ClientUUIDMixin, TimestampMixin, db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_positive"),
        sa.CheckConstraint("progress_pct >= 0 AND progress_pct <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territorial_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territorial_units.id"), index=True
    )
    year: Mapped[int] = mapped_column(index=True)
    program: Mapped[str] = mapped_column(sa.String(120), default="Presupuesto Participativo")
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    lat: Mapped[float | None] = mapped_column()
    lon: Mapped[float | None] = mapped_column()
    # The latest % avance físico; its history is in the supervision visits.
    progress_pct: Mapped[float] = mapped_column(default=0)

    territorial_unit: Mapped[TerritorialUnit | None] = relationship()
    committee: Mapped[list[CommitteeMember]] = relationship(
        back_populates="project", order_by="CommitteeMember.id"
    )
    supervisions: Mapped[list[Visit]] = relationship(
        back_populates="project", order_by="Visit.started_at"
    )

    def __repr__(self) -> str:
        return f"<Project {self.year} {self.name[:30]!r}>"


class CommitteeMember(db.Model):
    """Member of the comité de ejecución / vigilancia of a project."""

    __tablename__ = "committee_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(40))  # private
    active: Mapped[bool] = mapped_column(default=True)

    project: Mapped[Project] = relationship(back_populates="committee")

    def __repr__(self) -> str:
        return f"<CommitteeMember {self.name} ({self.role})>"
