"""The API described for machines: GET /api/v1/openapi.json (OpenAPI 3.0)."""

from __future__ import annotations

from flask import jsonify

from fieldapp.api import bp

UUID = {"type": "string", "format": "uuid"}
WHEN = {"type": "string", "format": "date-time"}
UNIT_REF = {
    "type": "object",
    "nullable": True,
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
VISIT_IN = {
    "type": "object",
    "required": ["kind", "started_at"],
    "properties": {
        "kind": {
            "type": "string",
            "enum": ["recorrido", "supervision_obra", "evaluacion_servicio", "asamblea"],
        },
        "started_at": WHEN,
        "ended_at": {**WHEN, "nullable": True},
        "status": {"type": "string", "enum": ["borrador", "enviada"]},
        "track": {
            "type": "object",
            "nullable": True,
            "properties": {
                "type": {"type": "string", "enum": ["LineString"]},
                "coordinates": {
                    "type": "array",
                    "maxItems": 20000,
                    "items": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 4,
                        "items": {"type": "number"},
                    },
                },
            },
        },
        "participants": {
            "type": "array",
            "maxItems": 500,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
            },
        },
        "notes": {"type": "string", "maxLength": 10000},
        "project": {**UUID, "nullable": True},
        "place": {"type": "string", "nullable": True, "maxLength": 200},
        "attendance_count": {"type": "integer", "minimum": 0, "nullable": True},
        "progress_pct": {"type": "number", "minimum": 0, "maximum": 100, "nullable": True},
        "checklist": {
            "type": "array",
            "nullable": True,
            "items": {
                "type": "object",
                "required": ["item", "result"],
                "properties": {
                    "item": {"type": "string"},
                    "result": {"type": "string", "enum": ["ok", "falla", "no_aplica"]},
                    "note": {"type": "string"},
                },
            },
        },
    },
}
FINDING_IN = {
    "type": "object",
    "required": ["visit", "category", "location", "captured_at"],
    "properties": {
        "visit": UUID,
        "category": {"type": "string"},
        "description": {"type": "string", "maxLength": 5000},
        "location": {
            "type": "object",
            "required": ["lat", "lon"],
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lon": {"type": "number", "minimum": -180, "maximum": 180},
                "accuracy_m": {"type": "number", "minimum": 0, "nullable": True},
            },
        },
        "captured_at": WHEN,
        "priority": {"type": "string", "enum": ["baja", "media", "alta"]},
        "requester": {
            "type": "object",
            "nullable": True,
            "properties": {
                "name": {"type": "string", "nullable": True},
                "phone": {"type": "string", "nullable": True},
            },
        },
    },
}
PHOTO = {
    "type": "object",
    "properties": {
        "id": UUID,
        "sha256": {"type": "string"},
        "url": {"type": "string"},
        "thumb_url": {"type": "string"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
    },
}
SAVED = {"territorial_unit": UNIT_REF, "outside_unit": {"type": "boolean"}}


def ok(description: str, schema: dict | None = None, codes=(200,)) -> dict:
    content = {"application/json": {"schema": schema or {"type": "object"}}}
    answers = {str(code): {"description": description, "content": content} for code in codes}
    errors = {
        str(code): {"$ref": "#/components/responses/Error"}
        for code in (400, 401, 403, 404, 409, 413, 422)
    }
    return {**errors, **answers}


def upsert(summary: str, body: dict | None, media: str = "application/json") -> dict:
    operation = {
        "summary": summary,
        "parameters": [{"name": "key", "in": "path", "required": True, "schema": UUID}],
        "responses": ok("Stored (201) or already there (200)", None, (200, 201)),
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {media: {"schema": body}}}
    return {"put": operation}


def spec() -> dict:
    binary = {"type": "string", "format": "binary"}
    sha_header = {
        "name": "X-Content-SHA256",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    }
    photo = upsert("Upload a photo's bytes (idempotent by UUID and SHA-256)", binary, "image/jpeg")
    photo["put"]["parameters"] += [
        sha_header,
        {"name": "finding", "in": "query", "schema": UUID},
        {"name": "visit", "in": "query", "schema": UUID},
    ]
    signature = upsert("Upload a signature PNG", binary, "image/png")
    signature["put"]["parameters"] += [
        sha_header,
        {"name": "visit", "in": "query", "required": True, "schema": UUID},
        {"name": "name", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "role", "in": "query", "schema": {"type": "string"}},
    ]
    finding_filters = [
        {"name": n, "in": "query", "schema": s}
        for n, s in (
            ("bbox", {"type": "string"}),
            ("ut", {"type": "string"}),
            ("category", {"type": "string"}),
            ("status", {"type": "string"}),
            ("from", WHEN),
            ("to", WHEN),
            ("visit", UUID),
            ("limit", {"type": "integer", "minimum": 1, "maximum": 5000}),
        )
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "FieldApp API",
            "version": "1",
            "description": "Sync API for the field app. Errors share one JSON shape; "
            "messages are in Spanish (or English with ?lang=en).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {"application/json": {"schema": ERROR}},
                }
            },
        },
        "paths": {
            "/tokens": {
                "post": {
                    "summary": "E-mail and password for a bearer token",
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["email", "password"],
                                    "properties": {
                                        "email": {"type": "string"},
                                        "password": {"type": "string"},
                                        "name": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        **ok("Token", None, (201,)),
                        "429": {"$ref": "#/components/responses/Error"},
                    },
                },
                "get": {"summary": "My tokens", "responses": ok("Tokens")},
            },
            "/tokens/device": {
                "post": {
                    "summary": "A token for this phone, asked with the browser session and "
                    "its X-CSRFToken header",
                    "responses": ok("Token", None, (201,)),
                }
            },
            "/tokens/{token_id}": {
                "delete": {
                    "summary": "Revoke one of my tokens",
                    "parameters": [
                        {
                            "name": "token_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": ok("Revoked"),
                }
            },
            "/me": {"get": {"summary": "Who I am", "responses": ok("User")}},
            "/categories": {"get": {"summary": "Active categories", "responses": ok("List")}},
            "/projects": {"get": {"summary": "Projects with their UT", "responses": ok("List")}},
            "/visits": {"get": {"summary": "My latest visits", "responses": ok("List")}},
            "/visits/{key}": upsert("Create or update a visit by its UUID", VISIT_IN),
            "/findings": {
                "get": {
                    "summary": "Findings as GeoJSON",
                    "parameters": finding_filters,
                    "responses": ok("FeatureCollection"),
                }
            },
            "/findings/{key}": upsert("Create or update a finding by its UUID", FINDING_IN),
            "/photos/{key}": photo,
            "/signatures/{key}": signature,
            "/territorial-units": {
                "get": {
                    "summary": "UT polygons as GeoJSON",
                    "parameters": [
                        {
                            "name": "simplify",
                            "in": "query",
                            "schema": {"type": "number", "minimum": 0},
                        },
                        {"name": "parent", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": ok("FeatureCollection"),
                }
            },
            "/locate": {
                "get": {
                    "summary": "The UT of a point",
                    "parameters": [
                        {
                            "name": "lat",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "number", "minimum": -90, "maximum": 90},
                        },
                        {
                            "name": "lon",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "number", "minimum": -180, "maximum": 180},
                        },
                    ],
                    "responses": ok("Placement", {"type": "object", "properties": SAVED}),
                }
            },
        },
        "x-photo-schema": PHOTO,
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())
