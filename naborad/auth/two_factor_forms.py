"""Forms for two-factor sign-in: the code at login, the code that confirms the app, the password that turns it off."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import NOT_READ_BY_OTHERS, BaseForm, strip
from ..passwords import MAX_LENGTH


class LoginCodeForm(BaseForm):
    """The code from the app, or (in a form of its own on the same page) a recovery code: one of the two."""
    code = StringField(_l("Code from your app"), filters=[strip], validators=[NOT_READ_BY_OTHERS,
                                                                              Optional(), Length(max=20)],
                       description=_l("6 digits. The app shows a new one every 30 seconds."))
    recovery_code = StringField(_l("Recovery code"), filters=[strip], validators=[NOT_READ_BY_OTHERS,
                                                                                  Optional(), Length(max=40)],
                                description=_l("One of the ten codes you printed or wrote down when you set up "
                                               "two-factor sign-in. Each works once."))

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not self.code.data and not self.recovery_code.data:
            self.code.errors.append(_l("Enter the code from your app."))
            return False
        return True

    @property
    def used(self):
        """The field the member filled in."""
        return self.recovery_code if self.recovery_code.data else self.code


class AppCodeForm(BaseForm):
    """A code from the app: to confirm it at enrolment, or to make new recovery codes."""
    code = StringField(_l("Code from your app"), filters=[strip],
                       validators=[NOT_READ_BY_OTHERS,
                                   DataRequired(_l("Enter the code from your app.")), Length(max=20)],
                       description=_l("6 digits. The app shows a new one every 30 seconds."))


class DisableForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[NOT_READ_BY_OTHERS,
                                                              DataRequired(_l("Enter your password.")),
                                                              Length(max=MAX_LENGTH)])
