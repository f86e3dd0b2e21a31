"""Checking JSON bodies from phones: every problem gets a Spanish message per field."""

from __future__ import annotations

import enum
import math
import uuid
from datetime import datetime

from flask_babel import gettext as _


class Invalid(ValueError):
    """The body has problems; ``fields`` maps each field to its messages."""

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))


def parse_uuid(value) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class Payload:
    """Reads typed values out of a JSON object, collecting errors instead of raising."""

    def __init__(self, data):
        self.errors: dict[str, list[str]] = {}
        if not isinstance(data, dict):
            self.data = {}
            self.error("_body", _("Envía un objeto JSON."))
        else:
            self.data = data

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise Invalid(self.errors)

    def _get(self, name, required, source=None):
        source = self.data if source is None else source
        value = source.get(name)
        if value is None and required:
            self.error(name, _("Obligatorio."))
        return value

    def text(self, name: str, max_len: int, required: bool = False, default: str = "") -> str:
        value = self._get(name, required)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(name, _("Debe ser texto."))
            return default
        value = value.strip()
        if len(value) > max_len:
            self.error(name, _("Demasiado largo (máximo %(n)d caracteres).", n=max_len))
        if "\x00" in value:
            self.error(name, _("Contiene caracteres no válidos."))
        return value

    def when(self, name: str, required: bool = False) -> datetime | None:
        value = self._get(name, required)
        if value is None:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            self.error(
                name, _("Fecha y hora ISO 8601 con zona horaria, p. ej. 2026-03-10T12:00:00-06:00.")
            )
        return parsed

    def number(
        self,
        name: str,
        low: float,
        high: float,
        required: bool = False,
        source: dict | None = None,
        integer: bool = False,
    ) -> float | None:
        value = self._get(name, required, source)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (integer and not float(value).is_integer())
        ):
            self.error(name, _("Debe ser un número."))
            return None
        if not math.isfinite(value) or not low <= value <= high:
            self.error(name, _("Debe estar entre %(low)s y %(high)s.", low=low, high=high))
            return None
        return int(value) if integer else float(value)

    def choice(self, name: str, enum_cls: type[enum.Enum], default=None, required=False):
        value = self._get(name, required)
        if value is None:
            return default
        try:
            return enum_cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in enum_cls)
            self.error(name, _("Valor no válido; usa uno de: %(valid)s.", valid=valid))
            return default

    def ref(self, name: str, required: bool = False) -> uuid.UUID | None:
        value = self._get(name, required)
        if value is None:
            return None
        parsed = parse_uuid(value)
        if parsed is None:
            self.error(name, _("Debe ser un UUID."))
        return parsed

    def items(self, name: str, max_items: int) -> list:
        value = self._get(name, False)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, _("Debe ser una lista."))
            return []
        if len(value) > max_items:
            self.error(name, _("Demasiados elementos (máximo %(n)d).", n=max_items))
            return []
        return value


def parse_datetime(value) -> datetime | None:
    """An aware datetime from ISO 8601 text with an offset (or Z); None when not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed
