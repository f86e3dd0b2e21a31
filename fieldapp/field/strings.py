"""The phone app's words, translated on the server and embedded in its shell."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from fieldapp.labels import LABELS


def plural(key: str, word) -> dict[str, str]:
    """``key_one``/``key_other`` nouns from ``word(n)``; the app writes the number in front."""
    return {f"{key}_one": word(1), f"{key}_other": word(2)}


def ui_strings() -> dict[str, str]:
    words = {str(value.value): str(text) for value, text in LABELS.items()}
    words.update(
        {
            "visit": _("Visita"),
            "finding": _("Hallazgo"),
            "photo": _("Foto"),
            "signature": _("Firma"),
            "today": _("Hoy"),
            "start_recorrido": _("Iniciar recorrido"),
            "start_supervision": _("Supervisar obra"),
            "start_evaluacion": _("Evaluar servicio"),
            "start_asamblea": _("Registrar asamblea"),
            "todays_visits": _("Visitas de hoy"),
            "no_visits_today": _("Aún no hay visitas hoy."),
            "returned_visits": _("Visitas devueltas por tu supervisor"),
            "returned_comment": _("Devuelta:"),
            "correct": _("Corregir"),
            "all_sent": _("Todo enviado"),
            "last_sync": _("Última sincronización: %(when)s"),
            "never": _("nunca"),
            "just_now": _("hace un momento"),
            "minutes_ago": _("hace %(n)s min"),
            "offline": _("Sin conexión: todo se guarda aquí"),
            "pending_title": _("Por enviar"),
            "send_now": _("Enviar ahora"),
            "retry_failed": _("Reintentar los rechazados"),
            "retrying": _("reintento %(n)s"),
            "back": _("Volver"),
            "cancel": _("Cancelar"),
            "waiting_gps": _("Buscando señal GPS…"),
            "no_gps": _("Sin GPS: revisa el permiso de ubicación."),
            "no_gps_pin": _("Sin GPS: marca el punto en el mapa."),
            "you_are_in": _("Estás en UT %(code)s %(name)s"),
            "outside_unit": _("Fuera de las unidades territoriales"),
            "add_finding": _("+ Hallazgo"),
            "close_visit": _("Cerrar visita"),
            "visit_summary": _("Resumen de la visita"),
            "findings_in_visit": _("Hallazgos"),
            "no_findings_yet": _("Aún no hay hallazgos."),
            "sent": _("Enviado"),
            "to_send": _("Por enviar"),
            "new_finding": _("Nuevo hallazgo"),
            "new_demand": _("Nueva demanda"),
            "take_photo": _("Tomar foto"),
            "processing": _("Procesando…"),
            "photo_unreadable": _("No se pudo leer esa foto; intenta otra vez."),
            "category": _("Categoría"),
            "note": _("Nota (opcional)"),
            "note_placeholder": _("¿Qué se ve? Referencias del lugar…"),
            "priority": _("Prioridad"),
            "requester_private": _("Solicitante (datos privados, opcional)"),
            "name": _("Nombre"),
            "phone": _("Teléfono"),
            "role": _("Cargo o papel"),
            "accuracy": _("Precisión ±%(m)s m"),
            "pin_set": _("Punto marcado en el mapa"),
            "poor_accuracy": _(
                "Precisión baja (±%(m)s m). Espera unos segundos o ajusta el punto en el mapa."
            ),
            "wait_gps": _("Esperar"),
            "adjust_on_map": _("Ajustar en el mapa"),
            "save_finding": _("Guardar hallazgo"),
            "supervision": _("Supervisión de obra"),
            "project": _("Proyecto"),
            "choose_project": _("Elige el proyecto (el más cercano primero)"),
            "progress_pct": _("Avance físico (%)"),
            "checklist": _("Lista de revisión"),
            "committee_present": _("Comité presente"),
            "ok": _("OK"),
            "fault": _("Falla"),
            "n_a": _("No aplica"),
            "check_signage": _("Señalización y seguridad de la obra"),
            "check_schedule": _("Avance conforme al calendario"),
            "check_materials": _("Calidad de materiales"),
            "check_clean": _("Limpieza del área"),
            "evaluation": _("Evaluación de servicio"),
            "service": _("Servicio"),
            "svc_alumbrado": _("Alumbrado"),
            "svc_recoleccion": _("Recolección"),
            "svc_parques": _("Parques"),
            "svc_lamps_on": _("Luminarias encendidas"),
            "svc_lamps_damaged": _("Postes en buen estado"),
            "svc_dark_spots": _("Sin zonas oscuras"),
            "svc_route_kept": _("Ruta cumplida"),
            "svc_no_dumps": _("Sin tiraderos"),
            "svc_containers": _("Contenedores en buen estado"),
            "svc_grass": _("Pasto y poda"),
            "svc_games": _("Juegos infantiles"),
            "svc_benches": _("Bancas y luminarias"),
            "fault_becomes_finding": _("Cada falla abre un hallazgo con su foto."),
            "place": _("Lugar"),
            "attendance": _("Asistentes"),
            "summary": _("Resumen"),
            "started": _("Inicio"),
            "duration": _("Duración"),
            "n_minutes": _("%(n)s min"),
            "photos": _("Fotos"),
            "track_points": _("Puntos del recorrido"),
            "participants": _("Participantes"),
            "add_participant": _("Agregar participante"),
            "sign": _("Firmar"),
            "signed": _("Firmó"),
            "sign_here": _("Firma aquí con el dedo"),
            "signature_of": _("Firma de %(name)s"),
            "clear": _("Borrar"),
            "save_signature": _("Guardar firma"),
            "observations": _("Observaciones"),
            "send_visit": _("Enviar visita"),
            "works_photos": _("Fotos de la obra"),
        }
    )
    words.update(plural("n_findings", lambda n: ngettext("hallazgo", "hallazgos", n)))
    words.update(plural("n_photos", lambda n: ngettext("foto", "fotos", n)))
    words.update(plural("n_pending", lambda n: ngettext("por enviar", "por enviar", n)))
    return words
