"""Reading a polygon layer as municipalities have it, without the database.

GeoJSON (with or without a declared CRS), a zipped Shapefile, GeoPackage, KML/KMZ, through
geopandas/pyogrio. Problems with the whole file raise ``LayerError``; problems with single
features are collected as ``Rejection``s by ``territory.features`` (the importer then
stores nothing).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from flask_babel import gettext as _
from pyproj import CRS

from fieldapp.territory.features import (
    POLYGONAL,
    Layer,
    check_feature,
    clean_text,
    generated_codes,
    reject_duplicates,
)

MAX_LAYER_BYTES = 100 * 1024 * 1024
LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml", ".shp")
ARCHIVE_SUFFIXES = (".zip", ".kmz")


class LayerError(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's words."""


def read_layer(
    path: str | os.PathLike,
    code_field: str | None,
    name_field: str,
    parent_field: str | None = None,
    parent: str | None = None,
    layer: str | None = None,
    assume_crs: str | None = None,
) -> Layer:
    """Read and check a layer file; raises ``LayerError`` when the file cannot be used."""
    source = dataset_path(Path(path))
    frame = read_frame(source, layer)
    result = Layer(features_read=len(frame))
    fields = [c for c in frame.columns if c != frame.geometry.name]
    code_col = resolve_field(code_field, fields, "--code-field") if code_field else None
    name_col = resolve_field(name_field, fields, "--name-field")
    parent_col = resolve_field(parent_field, fields, "--parent-field") if parent_field else None
    check_geometry_kinds(frame)
    frame = to_lon_lat(frame, assume_crs, result)
    result.generated_codes = code_col is None
    if result.generated_codes:
        result.notes.append(
            _(
                "La capa no tiene campo de código: los códigos se generaron a partir del "
                "nombre y la unidad superior (son estables entre importaciones)."
            )
        )
    values = frame[fields].to_dict("records")
    names = [clean_text(v[name_col]) for v in values]
    parents = [clean_text(v[parent_col]) if parent_col else (parent or None) for v in values]
    if code_col:
        codes = [clean_text(v[code_col]) for v in values]
    else:
        codes = generated_codes(names, parents, frame.geometry.values, result)
    for row, geometry in enumerate(frame.geometry.values, start=1):
        i = row - 1
        check_feature(result, row, codes[i], names[i], parents[i], geometry)
    reject_duplicates(result)
    return result


def dataset_path(path: Path) -> str:
    """The GDAL path to open: the file itself, or the one layer file inside a zip/kmz."""
    if not path.is_file():
        raise LayerError(_("No existe el archivo %(path)s.", path=path.name))
    suffix = path.suffix.lower()
    if suffix not in LAYER_SUFFIXES + ARCHIVE_SUFFIXES:
        raise LayerError(not_geodata())
    if path.stat().st_size > MAX_LAYER_BYTES:
        raise LayerError(too_big())
    if suffix not in ARCHIVE_SUFFIXES:
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile as exc:
        raise LayerError(not_geodata()) from exc
    if sum(m.file_size for m in members) > MAX_LAYER_BYTES:
        raise LayerError(too_big())
    inner = [m.filename for m in members if Path(m.filename).suffix.lower() in LAYER_SUFFIXES]
    inner = [name for name in inner if "__MACOSX" not in name]
    if len(inner) != 1:
        raise LayerError(
            _(
                "El archivo comprimido debe contener exactamente una capa (.shp con sus "
                "archivos, .gpkg, .geojson o .kml); contiene %(n)d.",
                n=len(inner),
            )
        )
    return f"/vsizip/{path.resolve()}/{inner[0]}"


def read_frame(source: str, layer: str | None) -> gpd.GeoDataFrame:
    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # pyogrio raises several GDAL error types for unreadable data
        raise LayerError(not_geodata()) from exc
    names = [str(n) for n, _kind in layers]
    if layer is None and len(names) > 1:
        polygonal = [str(n) for n, kind in layers if kind and "Polygon" in kind]
        if len(polygonal) != 1:
            raise LayerError(
                _("El archivo tiene varias capas; elige una: %(names)s.", names=", ".join(names))
            )
        layer = polygonal[0]
    if layer is not None and layer not in names:
        raise LayerError(
            _(
                "No existe la capa «%(layer)s». Capas disponibles: %(names)s.",
                layer=layer,
                names=", ".join(names),
            )
        )
    try:
        frame = gpd.read_file(source, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise LayerError(not_geodata()) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        if len(frame) == 0:
            raise LayerError(_("La capa no tiene ningún elemento."))
        raise LayerError(not_geodata())
    return frame


def resolve_field(wanted: str, fields: list[str], option: str) -> str:
    """The column named ``wanted`` (exactly, else ignoring case); else list what there is."""
    if wanted in fields:
        return wanted
    folded = [f for f in fields if f.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise LayerError(
        _(
            "La capa no tiene el campo «%(field)s» (%(option)s). Campos disponibles: %(fields)s.",
            field=wanted,
            option=option,
            fields=", ".join(fields) or _("ninguno"),
        )
    )


def check_geometry_kinds(frame: gpd.GeoDataFrame) -> None:
    """A layer of points or lines is refused as a whole, with what it does contain."""
    kinds = set(frame.geometry.dropna().geom_type)
    if not kinds:
        raise LayerError(_("Ningún elemento de la capa tiene geometría."))
    if not kinds & (POLYGONAL | {"GeometryCollection"}):
        raise LayerError(
            _(
                "La capa contiene %(kinds)s, no polígonos: una unidad territorial necesita "
                "un polígono.",
                kinds=", ".join(sorted(kinds)),
            )
        )


def to_lon_lat(frame: gpd.GeoDataFrame, assume_crs: str | None, result: Layer):
    """Reproject to EPSG:4326; a file without a CRS is read as lon/lat only if it looks so."""
    if frame.crs is None:
        min_x, min_y, max_x, max_y = frame.total_bounds
        looks_lon_lat = -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90
        if assume_crs:
            crs = parse_crs(assume_crs)
            result.notes.append(
                _("La capa no declara sistema de coordenadas; se usó %(crs)s.", crs=crs_label(crs))
            )
            frame = frame.set_crs(crs)
        elif looks_lon_lat:
            result.notes.append(
                _(
                    "La capa no declara sistema de coordenadas; se supuso EPSG:4326 "
                    "(longitud/latitud WGS84), como indica el estándar GeoJSON."
                )
            )
            return frame.set_crs(4326)
        else:
            raise LayerError(
                _(
                    "La capa no declara su sistema de coordenadas (¿falta el archivo .prj?) y "
                    "sus coordenadas (x de %(x0).0f a %(x1).0f) no son longitud/latitud, así "
                    "que no se puede suponer EPSG:4326. Agrega el .prj o indica el EPSG "
                    "(por ejemplo 32614 para UTM zona 14N, usual en la Ciudad de México).",
                    x0=min_x,
                    x1=max_x,
                )
            )
    if not frame.crs.equals(CRS.from_epsg(4326)):
        if not frame.crs.equals(CRS("OGC:CRS84")):
            result.notes.append(_("Reproyectada de %(crs)s a EPSG:4326.", crs=crs_label(frame.crs)))
        frame = frame.to_crs(4326)
    return frame


def parse_crs(text: str) -> CRS:
    try:
        return CRS.from_user_input(int(text) if text.strip().isdigit() else text)
    except Exception as exc:  # pyproj's CRSError and friends
        raise LayerError(
            _("No se reconoce el sistema de coordenadas «%(crs)s».", crs=text)
        ) from exc


def crs_label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def not_geodata() -> str:
    return _(
        "El archivo no es una capa geográfica que podamos leer. Formatos aceptados: GeoJSON "
        "(.geojson, .json), Shapefile comprimido (.zip con .shp, .shx, .dbf y .prj), "
        "GeoPackage (.gpkg) y KML/KMZ."
    )


def too_big() -> str:
    return _(
        "El archivo es demasiado grande (máximo %(mb)d MB).", mb=MAX_LAYER_BYTES // (1024 * 1024)
    )
