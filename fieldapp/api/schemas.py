"""Turning phone JSON into checked inputs for the services (and the services' view back)."""

from __future__ import annotations

from flask_babel import gettext as _

from fieldapp.api.validation import Payload
from fieldapp.findings.models import Priority
from fieldapp.findings.sync import FindingInput
from fieldapp.visits.models import VisitKind, VisitStatus
from fieldapp.visits.sync import VisitInput

MAX_TRACK_POINTS = 20_000
CHECK_RESULTS = ("ok", "falla", "no_aplica")


def parse_visit(data) -> VisitInput:
    """Raises ``Invalid`` listing every problem of the body."""
    p = Payload(data)
    kind = p.choice("kind", VisitKind, required=True)
    started = p.when("started_at", required=True)
    ended = p.when("ended_at")
    if started and ended and ended < started:
        p.error("ended_at", _("No puede ser anterior al inicio."))
    status = p.choice("status", VisitStatus, default=VisitStatus.BORRADOR)
    if status not in (VisitStatus.BORRADOR, VisitStatus.ENVIADA):
        p.error("status", _("Desde el teléfono solo «borrador» o «enviada»."))
    visit = VisitInput(
        kind=kind,
        started_at=started,
        ended_at=ended,
        status=status,
        track=parse_track(p),
        participants=parse_people(p, "participants"),
        notes=p.text("notes", 10_000),
        project=p.ref("project"),
        place=p.text("place", 200) or None,
        attendance_count=p.number("attendance_count", 0, 100_000, integer=True),
        progress_pct=p.number("progress_pct", 0, 100),
        checklist=parse_checklist(p),
    )
    p.check()
    return visit


def parse_track(p: Payload) -> list | None:
    """A GeoJSON LineString (or null); positions [lon, lat, accuracy_m?, epoch_ms?]."""
    track = p.data.get("track")
    if track is None:
        return None
    coords = track.get("coordinates") if isinstance(track, dict) else None
    if (
        not isinstance(track, dict)
        or track.get("type") != "LineString"
        or not isinstance(coords, list)
    ):
        p.error("track", _("Debe ser un LineString de GeoJSON o null."))
        return None
    if len(coords) > MAX_TRACK_POINTS:
        p.error("track", _("Demasiados puntos (máximo %(n)d).", n=MAX_TRACK_POINTS))
        return None
    clean = []
    for position in coords:
        if not valid_position(position):
            p.error("track", _("Hay puntos con coordenadas imposibles."))
            return None
        clean.append([float(v) for v in position[:4]])
    return clean


def valid_position(position) -> bool:
    if not isinstance(position, list) or not 2 <= len(position) <= 4:
        return False
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position):
        return False
    lon, lat = position[0], position[1]
    finite = all(v == v and abs(v) != float("inf") for v in position)
    return finite and -180 <= lon <= 180 and -90 <= lat <= 90


def parse_people(p: Payload, name: str) -> list[dict]:
    people = []
    for person in p.items(name, 500):
        if not isinstance(person, dict) or not isinstance(person.get("name"), str):
            p.error(name, _("Cada persona necesita «name» (y opcionalmente «role»)."))
            return []
        role = person.get("role")
        people.append(
            {
                "name": person["name"].strip()[:200],
                "role": role.strip()[:120] if isinstance(role, str) else "",
            }
        )
    return people


def parse_checklist(p: Payload) -> list[dict] | None:
    if p.data.get("checklist") is None:
        return None
    items = []
    for entry in p.items("checklist", 200):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("item"), str)
            or entry.get("result") not in CHECK_RESULTS
        ):
            p.error(
                "checklist", _("Cada punto necesita «item» y «result» (ok, falla o no_aplica).")
            )
            return None
        note = entry.get("note")
        items.append(
            {
                "item": entry["item"].strip()[:200],
                "result": entry["result"],
                "note": note.strip()[:1000] if isinstance(note, str) else "",
            }
        )
    return items


def parse_finding(data) -> FindingInput:
    p = Payload(data)
    location = p.data.get("location")
    if not isinstance(location, dict):
        p.error("location", _("Obligatorio: {lat, lon, accuracy_m}."))
        location = {}
    lat = p.number("lat", -90, 90, required=True, source=location)
    lon = p.number("lon", -180, 180, required=True, source=location)
    accuracy = p.number("accuracy_m", 0, 100_000, source=location)
    requester = p.data.get("requester")
    if requester is not None and not isinstance(requester, dict):
        p.error("requester", _("Debe ser un objeto {name, phone} o null."))
        requester = None
    requester = requester or {}
    finding = FindingInput(
        visit=p.ref("visit", required=True),
        category=p.text("category", 40, required=True),
        description=p.text("description", 5_000),
        lat=lat,
        lon=lon,
        accuracy_m=accuracy,
        captured_at=p.when("captured_at", required=True),
        priority=p.choice("priority", Priority, default=Priority.MEDIA),
        requester_name=_text_or_none(p, requester, "name", 200),
        requester_phone=_text_or_none(p, requester, "phone", 40),
    )
    p.check()
    return finding


def _text_or_none(p: Payload, source: dict, name: str, max_len: int) -> str | None:
    value = source.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        p.error(f"requester.{name}", _("Texto de máximo %(n)d caracteres.", n=max_len))
        return None
    return value.strip() or None
