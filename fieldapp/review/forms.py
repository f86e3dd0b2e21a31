"""Forms of the review pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class TransitionForm(FlaskForm):
    to_status = SelectField(
        _l("Nuevo estado"),
        validate_choice=False,
        validators=[DataRequired(_l("Elige el nuevo estado."))],
    )
    area = SelectField(_l("Área responsable"), validate_choice=False)
    external_folio = StringField(
        _l("Folio externo (CESAC, SUAC, SISAI…)"), validators=[Optional(), Length(max=80)]
    )
    duplicate_of = StringField(
        _l("Demanda original (si es duplicada)"), validators=[Optional(), Length(max=36)]
    )
    note = TextAreaField(_l("Nota"), validators=[Optional(), Length(max=5000)])
    photos = MultipleFileField(_l("Fotos (la de «después» al verificar)"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decisión"), validate_choice=False)
    comment = TextAreaField(
        _l("Comentarios para el inspector"), validators=[Optional(), Length(max=5000)]
    )
