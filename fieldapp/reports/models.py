"""Plan anual (POA): what the office promised to do each quarter."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import db
from fieldapp.orm import TimestampMixin


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

    def __repr__(self) -> str:
        return (
            f"<PlannedActivity {self.year}T{self.quarter} {self.activity_kind}={self.target_count}>"
        )
