"""POA forms: one target, and the CSV import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from fieldapp.labels import label
from fieldapp.reports.plan import ACTIVITY_KINDS, PlanRow
from fieldapp.visits.models import VisitKind


class ActivityForm(FlaskForm):
    year = IntegerField(
        _l("Año"), validators=[InputRequired(_l("Escribe el año.")), NumberRange(2000, 2100)]
    )
    quarter = SelectField(
        _l("Trimestre"), choices=[SelectChoice(q, str(q)) for q in range(1, 5)], coerce=int
    )
    activity_kind = SelectField(_l("Actividad"))
    area_id = SelectField(_l("Área"), coerce=int)
    target_count = IntegerField(
        _l("Meta (número de actividades)"),
        validators=[
            InputRequired(_l("Escribe la meta.")),
            NumberRange(min=0, message=_l("La meta no puede ser negativa.")),
        ],
    )
    description = StringField(_l("Descripción"), validators=[Length(max=300)])

    def set_choices(self, areas) -> None:
        self.activity_kind.choices = [
            SelectChoice(k, str(label(VisitKind(k)))) for k in ACTIVITY_KINDS
        ]
        self.area_id.choices = [SelectChoice(0, str(_l("Sin área")))] + [
            SelectChoice(a.id, a.name) for a in areas
        ]

    def row(self) -> PlanRow:
        return PlanRow(
            self.year.data,
            self.quarter.data,
            self.activity_kind.data,
            self.area_id.data or None,
            self.target_count.data,
            (self.description.data or "").strip(),
        )


class PlanImportForm(FlaskForm):
    plan_file = FileField(
        _l("Archivo CSV del plan"), validators=[FileRequired(_l("Elige el archivo CSV."))]
    )


class VerifyFileForm(FlaskForm):
    pdf_file = FileField(
        _l("Archivo PDF a comprobar"), validators=[FileRequired(_l("Elige el archivo PDF."))]
    )
