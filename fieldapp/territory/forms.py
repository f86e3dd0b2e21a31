"""The UT layer upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.territory.importer import ImportOptions


class ImportForm(FlaskForm):
    layer_file = FileField(
        _l("Archivo de la capa"), validators=[FileRequired(_l("Elige el archivo de la capa."))]
    )
    code_field = StringField(_l("Campo del código"), validators=[Optional(), Length(max=80)])
    name_field = StringField(
        _l("Campo del nombre"),
        validators=[DataRequired(_l("Escribe el campo que tiene el nombre.")), Length(max=80)],
    )
    parent_field = StringField(
        _l("Campo de la unidad superior (alcaldía o municipio)"),
        validators=[Optional(), Length(max=80)],
    )
    parent = StringField(
        _l("Unidad superior para todas (si la capa no la trae)"),
        validators=[Optional(), Length(max=200)],
    )
    layer = StringField(_l("Capa (si el archivo tiene varias)"), validators=[Optional()])
    crs = StringField(
        _l("Sistema de coordenadas si el archivo no lo declara (EPSG)"),
        validators=[Optional(), Length(max=40)],
    )
    replace = BooleanField(_l("Reemplazar: borrar las UT que no vengan en el archivo"))

    def options(self) -> ImportOptions:
        def text(field) -> str | None:
            return (field.data or "").strip() or None

        return ImportOptions(
            code_field=text(self.code_field),
            name_field=self.name_field.data.strip(),
            parent_field=text(self.parent_field),
            parent=text(self.parent),
            layer=text(self.layer),
            assume_crs=text(self.crs),
            replace=bool(self.replace.data),
        )
