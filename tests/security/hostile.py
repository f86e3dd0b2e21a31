"""Hostile text in every field a user can type: each field gets its own tagged payload."""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldapp.auth.models import Role
from fieldapp.auth.services import create_user
from fieldapp.extensions import db
from fieldapp.findings.models import FindingUpdate
from fieldapp.reports.models import PlannedActivity
from tests.helpers import PASSWORD
from tests.reports.builders import make_category, make_project, make_unit, make_visit

PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(1)>${alert(1)}"><svg onload=alert(1)>'
# What must never reach a page, a popup or a JSON block raw.
RAW = ("<script>alert(1)", "<img src=x", "<svg onload", "</script><img")


def tagged(tag: str) -> str:
    return f"{tag}{PAYLOAD}"


@dataclass
class HostileWorld:
    inspector: object
    supervisor: object
    admin: object
    visit: object
    finding: object
    project: object
    unit: object
    tags: dict[str, str] = field(default_factory=dict)  # field -> the text stored


def build_hostile_world() -> HostileWorld:
    tags = {}

    def t(name: str, limit: int = 300) -> str:
        text = tagged(f"X{name}X")[:limit]
        tags[name] = text
        return text

    inspector = create_user("insp@example.mx", t("username", 120), Role.INSPECTOR, PASSWORD)
    supervisor = create_user("sup@example.mx", "Sara", Role.SUPERVISOR, PASSWORD)
    admin = create_user("admin@example.mx", "Ada", Role.ADMIN, PASSWORD)
    unit = make_unit("06-010", t("utname", 200))
    category = make_category("luminarias", t("category", 120))
    category.default_area.name = t("area", 200)
    visit = make_visit(inspector, unit, category, findings=1, photos=1)
    visit.notes, visit.place = t("notes"), t("place", 200)
    visit.participants = [{"name": t("participant"), "role": t("prole")}]
    finding = visit.findings[0]
    finding.description = t("description")
    finding.requester_name = t("requester", 200)
    finding.external_folio = t("folio", 80)
    db.session.add(FindingUpdate(finding=finding, author_id=supervisor.id, note=t("updatenote")))
    project = make_project(unit, with_signature=False)
    project.name, project.description = t("project"), t("projectdesc")
    db.session.add(
        PlannedActivity(year=2025, quarter=3, activity_kind="recorrido", target_count=4,
                        description=t("poa"))
    )  # fmt: skip
    db.session.commit()
    return HostileWorld(inspector, supervisor, admin, visit, finding, project, unit, tags)


def assert_inert_html(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} unescaped"
