"""Forms for login, password reset, invitations and the own profile."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..extensions import db
from ..forms import NOT_READ_BY_OTHERS, BaseForm, empty_to_none, lower_strip, strip
from ..models import User
from ..passwords import MAX_LENGTH, MIN_LENGTH, is_common

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


def not_common(form, field):
    if field.data and is_common(field.data):
        raise ValidationError(_l("This password is too common and easy to guess. Choose another."))


def password_fields(label=None):
    """A new password and its repetition."""
    password = PasswordField(label or _l("New password"), validators=[
        NOT_READ_BY_OTHERS,
        DataRequired(_l("Choose a password.")),
        Length(MIN_LENGTH, MAX_LENGTH, _l("Use between %(min)d and %(max)d characters.")),
        not_common])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        NOT_READ_BY_OTHERS,
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The two passwords are not the same."))])
    return password, confirm


def unique_user_value(column, message, exclude_id=None):
    def check(form, field):
        if not field.data:
            return
        stmt = select(func.count()).select_from(User).where(column == field.data)
        current_id = getattr(form, "user_id", None) or exclude_id
        if current_id:
            stmt = stmt.where(User.id != current_id)
        if db.session.scalar(stmt):
            raise ValidationError(message)
    return check


def valid_username(form, field):
    if field.data and not USERNAME_RE.match(field.data):
        raise ValidationError(_l("3 to 40 characters: lower-case letters a-z, digits, dot, dash or underscore."))


class LoginForm(BaseForm):
    login = StringField(_l("Username or email"), filters=[strip],
                        validators=[NOT_READ_BY_OTHERS,
                                    DataRequired(_l("Enter your username or email.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[NOT_READ_BY_OTHERS, DataRequired(_l("Enter your password.")),
                                                         Length(max=MAX_LENGTH)])


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("Email"), filters=[lower_strip],
                       validators=[NOT_READ_BY_OTHERS, DataRequired(_l("Enter your email address.")),
                                   Email(_l("Enter a valid email address.")), Length(max=254)])


class ResetPasswordForm(BaseForm):
    password, confirm = password_fields()


class InvitationCodeForm(BaseForm):
    # Typed from paper on a phone: small letters, spaces and no dash all work (tokens.normalise_code).
    code = StringField(_l("Invitation code"), filters=[strip],
                       validators=[NOT_READ_BY_OTHERS,
                                   DataRequired(_l("Enter the code from your invitation.")), Length(max=40)],
                       render_kw={"autocapitalize": "characters", "spellcheck": "false"})


class AcceptInvitationForm(BaseForm):
    username = StringField(
        _l("Username"), filters=[lower_strip],
        description=_l("You log in with this. Lower-case letters, digits, dot, dash or underscore."),
        validators=[NOT_READ_BY_OTHERS, DataRequired(_l("Choose a username.")), Length(max=40), valid_username,
                    unique_user_value(User.username, _l("That username is taken. Choose another."))])
    display_name = StringField(
        _l("Display name"), filters=[strip],
        description=_l("What other members see, for example your first name. You choose."),
        validators=[NOT_READ_BY_OTHERS, DataRequired(_l("Choose a display name.")), Length(max=60)])
    password, confirm = password_fields(_l("Password"))


class ProfileForm(BaseForm):
    display_name = StringField(_l("Display name"), filters=[strip],
                               validators=[NOT_READ_BY_OTHERS,
                                           DataRequired(_l("Choose a display name.")), Length(max=60)])
    full_name = StringField(_l("Full name"), filters=[empty_to_none], validators=[NOT_READ_BY_OTHERS,
                                                                                  Optional(), Length(max=120)],
                            description=_l("Only staff and you can see this."))
    email = EmailField(_l("Email"), filters=[lambda v: empty_to_none(lower_strip(v))],
                       validators=[NOT_READ_BY_OTHERS,
                                   Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
                       description=_l("Only staff and you can see this. Used for notices and password reset."))
    phone = TelField(_l("Phone"), filters=[empty_to_none], validators=[NOT_READ_BY_OTHERS, Optional(), Length(max=30)],
                     description=_l("Only staff and you can see this."))
    locale = SelectField(_l("Language"), choices=[SelectChoice("nb", "Norsk bokmål"), SelectChoice("en", "English")])


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[NOT_READ_BY_OTHERS,
                                                                DataRequired(_l("Enter your current password.")),
                                                                Length(max=MAX_LENGTH)])
    password, confirm = password_fields()


class DeleteAccountForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[NOT_READ_BY_OTHERS,
                                                              DataRequired(_l("Enter your password to confirm.")),
                                                              Length(max=MAX_LENGTH)])
