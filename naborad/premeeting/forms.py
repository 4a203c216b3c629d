"""Forms for the residents' pre-meeting."""
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import READ_BY_OTHERS, BaseForm, LocalDateTimeField, empty_to_none, strip, with_token
from ..search import parse_id


class PreMeetingForm(BaseForm):
    form_token = HiddenField()
    starts_at = LocalDateTimeField(_l("Date and time"), validators=[DataRequired(_l("Choose the date and time."))])
    place = StringField(_l("Place at the facility"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Where do you meet?")), Length(max=160)])
    title = StringField(_l("Name (optional)"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                                    Optional(), Length(max=160)])
    meeting_id = SelectField(_l("Prepares for the council meeting"), coerce=parse_id,
                             validate_choice=False)


class ItemForm(BaseForm):
    form_token = HiddenField()
    title = StringField(_l("What do you want to talk about?"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Write a few words about it.")), Length(max=160)])
    text = TextAreaField(_l("More about it (optional)"), filters=[empty_to_none],
                         validators=[READ_BY_OTHERS, Optional(), Length(max=4000)])
    # Staff only: for residents who do not use the app, what was said at the meeting (premeeting.service).
    from_meeting = BooleanField(_l("From the residents' meeting (no name is shown or stored)"))


class CommentForm(BaseForm):
    form_token = HiddenField()
    body = TextAreaField(_l("Your comment"), filters=[strip],
                         validators=[READ_BY_OTHERS,
                                     DataRequired(_l("Write something before you send.")), Length(max=4000)])
    show_name = BooleanField(_l("Other residents may see my name"))
    from_meeting = BooleanField(_l("From the residents' meeting (no name is shown or stored)"))


def new_comment_form() -> CommentForm:
    """An empty comment form with its one-time token (templates call it for each item's form)."""
    return with_token(CommentForm(formdata=None))


class ReasonForm(BaseForm):
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Give a short reason.")), Length(max=300)])


class SummaryForm(BaseForm):
    summary = TextAreaField(_l("The residents' view (summary)"), filters=[empty_to_none],
                            validators=[READ_BY_OTHERS, Optional(), Length(max=8000)],
                            description=_l("Write it for the council: what the residents think, never who said what."))


class RaiseForm(BaseForm):
    form_token = HiddenField()
    title = StringField(_l("Title on the council agenda"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Give the item a title.")), Length(max=160)])
    why = TextAreaField(_l("Text for the council"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                                         Optional(), Length(max=4000)],
                        description=_l("Shown as proposed by the residents' pre-meeting, never by a person."))


class SeriesPlanForm(BaseForm):
    """Staff: a residents' pre-meeting before each meeting of a council meeting series (issue 21)."""
    enabled = BooleanField(_l("A pre-meeting before each meeting of this series"))
    days_before = IntegerField(_l("Days before the council meeting"), default=2, validators=[Optional(), NumberRange(1, 14)])
    at = TimeField(_l("Time"), default=time(18), validators=[Optional()])
    place = StringField(_l("Place at the facility"), filters=[empty_to_none],
                        validators=[READ_BY_OTHERS, Optional(), Length(max=160)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.enabled.data:
            for field, message in ((self.days_before, _l("Give a number of days.")), (self.at, _l("Choose the time.")),
                                   (self.place, _l("Where do you meet?"))):
                if not field.data:
                    field.errors.append(message)
                    valid = False
        return valid
