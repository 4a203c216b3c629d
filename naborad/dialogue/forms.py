"""Forms of dialogue meetings: the meeting and its minutes."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import READ_BY_OTHERS, BaseForm, LocalDateTimeField, empty_to_none, strip


class DialogueForm(BaseForm):
    form_token = HiddenField()
    title = StringField(_l("Title"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Give the meeting a title.")), Length(max=160)],
                        description=_l("The invitees see it. Neutral words: what it is about, never who."))
    starts_at = LocalDateTimeField(_l("Date and time"), validators=[DataRequired(_l("Choose the date and time."))])
    place = StringField(_l("Place"), filters=[strip], validators=[READ_BY_OTHERS,
                                                                  DataRequired(_l("Where do you meet?")),
                                                                  Length(max=160)])
    agenda = TextAreaField(_l("Agenda"), filters=[empty_to_none],
                           validators=[READ_BY_OTHERS, Optional(), Length(max=4000)],
                           render_kw={"rows": 6})
    invitees = SelectMultipleField(_l("Who is invited"), coerce=int, validate_choice=True,
                                   validators=[DataRequired(_l("Choose at least one person to invite."))],
                                   description=_l("Only they and the staff see this meeting."))


class MinutesForm(BaseForm):
    minutes = TextAreaField(_l("Minutes"), filters=[empty_to_none],
                            validators=[READ_BY_OTHERS, Optional(), Length(max=8000)],
                            description=_l("What you talked about and agreed on. The invitees read it."),
                            render_kw={"rows": 8})
