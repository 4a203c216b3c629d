"""Forms for issues and replies."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import (
    NOT_READ_BY_OTHERS,
    READ_BY_OTHERS,
    BaseForm,
    LocalDateTimeField,
    empty_to_none,
    not_in_future,
    strip,
)
from ..labels import category_label, status_label
from ..models import IssueCategory, IssueStatus

BODY_MAX = 10_000


def category_choices():
    return [SelectChoice(c.value, category_label(c)) for c in IssueCategory]


class IssueForm(BaseForm):
    form_token = HiddenField()
    title = StringField(_l("Title"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Give the issue a short title.")), Length(max=160)],
                        description=_l("What is it about? For example: “Loud music at night”."))
    category = SelectField(_l("Category"), choices=category_choices, default=IssueCategory.OTHER.value)
    body = TextAreaField(_l("Description"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Describe the issue.")), Length(max=BODY_MAX)],
                         description=_l("What happened, and what would help? Describe what happens, not who. "
                                        "You can write **bold** (two stars on each side), *italics* (one star), a list "
                                        "(start each line with “- ”) and a link: [the words](https://…)."))
    place = StringField(_l("Where (optional)"), filters=[empty_to_none],
                        validators=[READ_BY_OTHERS, Optional(), Length(max=120)],
                        description=_l("For example “the bus stop” or “the car park”."))
    happened_at = LocalDateTimeField(_l("When did it happen? (optional)"), validators=[Optional(), not_in_future])


class ReplyForm(BaseForm):
    form_token = HiddenField()
    body = TextAreaField(_l("Your reply"), filters=[strip],
                         validators=[READ_BY_OTHERS,
                                     DataRequired(_l("Write something before you send.")), Length(max=BODY_MAX)])


class EditReplyForm(BaseForm):
    body = TextAreaField(_l("Your reply"), filters=[strip],
                         validators=[READ_BY_OTHERS,
                                     DataRequired(_l("Write something before you save.")), Length(max=BODY_MAX)])


class ReasonForm(BaseForm):
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[READ_BY_OTHERS,
                                     DataRequired(_l("Give a short reason; members see it.")), Length(max=300)])


class StatusForm(BaseForm):
    status = SelectField(_l("Status"), choices=lambda: [SelectChoice(s.value, status_label(s)) for s in IssueStatus])
    # Its own id: the thread shows this form beside ReasonForm (lock), whose field is "reason" too.
    reason = StringField(_l("Reason (needed when closing)"), filters=[empty_to_none],
                         validators=[READ_BY_OTHERS, Length(max=300)], id="status-reason")

    def validate_reason(self, field):
        if self.status.data == IssueStatus.CLOSED.value and not field.data:
            raise ValidationError(_l("Say why the issue is closed."))


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[NOT_READ_BY_OTHERS, Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=lambda: [SelectChoice("", _l("All"))] +
                         [SelectChoice(s.value, status_label(s)) for s in IssueStatus])
    category = SelectField(_l("Category"), validators=[Optional()],
                           choices=lambda: [SelectChoice("", _l("All"))] + category_choices())
