"""Unidades territoriales: the polygons every point is placed in."""

from __future__ import annotations

import shapely
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import db
from fieldapp.orm import TimestampMixin


class TerritorialUnit(TimestampMixin, db.Model):
    """A UT: code (IECM CVEUT such as ``06-010``), name, parent, polygon in EPSG:4326.

    The geometry is kept as WKB so the same schema runs on SQLite and on PostgreSQL
    without PostGIS; the bounding box columns allow cheap filtering in SQL.
    """

    __tablename__ = "territorial_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    parent: Mapped[str | None] = mapped_column(sa.String(200))
    geometry_wkb: Mapped[bytes] = mapped_column(sa.LargeBinary)
    min_lon: Mapped[float] = mapped_column()
    min_lat: Mapped[float] = mapped_column()
    max_lon: Mapped[float] = mapped_column()
    max_lat: Mapped[float] = mapped_column()

    @property
    def geometry(self) -> shapely.Geometry:
        return shapely.from_wkb(self.geometry_wkb)

    @geometry.setter
    def geometry(self, geom: shapely.Geometry) -> None:
        self.geometry_wkb = shapely.to_wkb(geom)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geom.bounds

    def __repr__(self) -> str:
        return f"<TerritorialUnit {self.code} {self.name}>"
