"""Forms of the direct line: the consent in the profile, and a friendly word."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import READ_BY_OTHERS, BaseForm, strip
from ..models import SCOPE_CHAIR, SCOPE_COUNCIL
from .service import MESSAGE_MAX


class ConsentForm(BaseForm):
    by_message = BooleanField(_l("A friendly word in the app"))
    by_phone = BooleanField(_l("My phone number (from my profile)"))
    scope = RadioField(_l("Who may reach me"), default=SCOPE_CHAIR, choices=[
        SelectChoice(SCOPE_CHAIR, _l("The current chair and deputy chair")),
        SelectChoice(SCOPE_COUNCIL, _l("The whole council")),
    ])


class MessageForm(BaseForm):
    form_token = HiddenField()
    body = TextAreaField(_l("Your friendly word"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Write something before you send.")),
                                     Length(max=MESSAGE_MAX, message=_l("At most 500 characters."))],
                         description=_l("At most 500 characters. Only the two of you read it."),
                         render_kw={"maxlength": MESSAGE_MAX, "rows": 4})


class AnswerForm(BaseForm):
    form_token = HiddenField()
    body = TextAreaField(_l("Your answer"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Write something before you send.")),
                                     Length(max=MESSAGE_MAX, message=_l("At most 500 characters."))],
                         render_kw={"maxlength": MESSAGE_MAX, "rows": 3})
