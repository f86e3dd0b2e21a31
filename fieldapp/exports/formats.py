"""Writing a GeoDataFrame as CSV, XLSX, GeoJSON (RFC 7946), GeoPackage, KML or GPX."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
    "gpx": "application/gpx+xml",
}
FORMATS = tuple(MIMETYPES)
# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)",
# "@SUM(...)", "+cmd|..."): user text (descriptions, names, folios) must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value):
    """CSV: a text cell that a spreadsheet would run gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes plus the geometry as WKT (tracks) for spreadsheets; points already
    have lon/lat columns."""
    data = pd.DataFrame(frame.drop(columns="geometry"))
    kinds = set(frame.geometry.dropna().geom_type)
    if kinds and kinds != {"Point"}:
        data["wkt"] = [g.wkt if g is not None else None for g in frame.geometry]
    return data


def write_csv(frame: gpd.GeoDataFrame, name: str) -> bytes:
    # UTF-8 with a BOM: Excel then shows accents, ñ and emoji correctly.
    data = table(frame)
    for column in data.select_dtypes(include=["object", "string"]).columns:
        data[column] = data[column].map(inert_text)
    return data.to_csv(index=False).encode("utf-8-sig")


def write_xlsx(frame: gpd.GeoDataFrame, name: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table(frame).to_excel(writer, index=False, sheet_name=name[:31])
        sheet = writer.sheets[name[:31]]
        sheet.freeze_panes = "A2"
        _text_not_formulas(sheet)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 18
    return buffer.getvalue()


def _text_not_formulas(sheet) -> None:
    """openpyxl stores a string that starts with "=" as a formula; store it as text, so
    the cell shows exactly what the user typed and Excel never evaluates it."""
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _with_file(frame: gpd.GeoDataFrame, suffix: str, **kwargs) -> bytes:
    with tempfile.TemporaryDirectory(prefix="fieldapp-export-") as folder:
        path = Path(folder) / f"export{suffix}"
        frame.to_file(path, engine="pyogrio", **kwargs)
        return path.read_bytes()


def write_geojson(frame: gpd.GeoDataFrame, name: str) -> bytes:
    return _with_file(frame, ".geojson", driver="GeoJSON", layer_options={"RFC7946": "YES"})


def write_gpkg(frame: gpd.GeoDataFrame, name: str) -> bytes:
    geometry_type = None if frame.geometry.notna().any() else "Unknown"
    return _with_file(frame, ".gpkg", driver="GPKG", layer=name, geometry_type=geometry_type)


def write_kml(frame: gpd.GeoDataFrame, name: str) -> bytes:
    located = frame[frame.geometry.notna()]
    return _with_file(located, ".kml", driver="KML", layer=name)


def write_gpx(frame: gpd.GeoDataFrame, name: str) -> bytes:
    """Tracks only; GPX has fixed fields, so ours go in its extensions (``ogr_*``)."""
    tracks = frame[frame.geometry.notna()].copy()
    tracks["geometry"] = [shapely.MultiLineString([g]) for g in tracks.geometry]
    tracks = tracks.rename(columns={"kind": "desc"}) if "kind" in tracks else tracks
    return _with_file(tracks, ".gpx", driver="GPX", dataset_options={"GPX_USE_EXTENSIONS": "YES"})


WRITERS = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "geojson": write_geojson,
    "gpkg": write_gpkg,
    "kml": write_kml,
    "gpx": write_gpx,
}
