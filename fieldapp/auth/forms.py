"""Login, user and token forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from fieldapp.auth.models import Role
from fieldapp.labels import label


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Correo electrónico"),
        validators=[DataRequired(_l("Escribe tu correo electrónico.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Contraseña"), validators=[DataRequired(_l("Escribe tu contraseña."))]
    )
    remember = BooleanField(_l("Mantener la sesión abierta en este dispositivo"))


class UserCreateForm(FlaskForm):
    name = StringField(
        _l("Nombre completo"),
        validators=[DataRequired(_l("Escribe el nombre de la persona.")), Length(max=120)],
    )
    email = EmailField(
        _l("Correo electrónico"),
        validators=[DataRequired(_l("Escribe un correo electrónico.")), Length(max=254)],
    )
    role = SelectField(
        _l("Rol"), choices=[SelectChoice(r.value, label(r)) for r in Role], validate_choice=False
    )
    password = PasswordField(_l("Contraseña inicial"))
    confirm = PasswordField(
        _l("Repite la contraseña"),
        validators=[EqualTo("password", _l("Las contraseñas no coinciden."))],
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Nombre del dispositivo o script"),
        validators=[DataRequired(_l("Escribe un nombre para reconocerlo.")), Length(max=80)],
    )
