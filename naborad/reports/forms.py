"""Forms for situation reports."""
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import (
    NOT_READ_BY_OTHERS,
    READ_BY_OTHERS,
    READ_BY_STAFF,
    BaseForm,
    LocalDateTimeField,
    empty_to_none,
    not_in_future,
    strip,
)
from ..labels import report_category_label, report_contact_way_label
from ..models import ContactWay, ReportCategory

TEXT_MAX = 2000


class ReportForm(BaseForm):
    form_token = HiddenField()
    category = SelectField(_l("What is it about?"),
                           choices=lambda: [SelectChoice(c.value, report_category_label(c)) for c in ReportCategory],
                           default=ReportCategory.NOISE.value)
    text = TextAreaField(_l("What happened?"), filters=[strip],
                         validators=[READ_BY_STAFF, DataRequired(_l("Write a few words about what happened.")),
                                     Length(max=TEXT_MAX, message=_l("Keep it under 2000 characters."))],
                         description=_l("Describe what happens, not who."))
    place = StringField(_l("Where? (optional)"), filters=[empty_to_none],
                        validators=[READ_BY_STAFF, Optional(), Length(max=120)],
                        description=_l("For example “the bus stop” or “the back yard”."))
    happened_at = LocalDateTimeField(_l("When? (empty means now)"), validators=[Optional(), not_in_future])
    contact_way = RadioField(_l("Do you want to be contacted?"), default=ContactWay.IN_APP.value,
                             choices=lambda: [SelectChoice(w.value, report_contact_way_label(w))
                                              for w in contact_ways()],
                             description=_l("This is also how you hear when the staff write to you."))
    contact_detail = StringField(_l("Phone number or email (if you want a call or an email)"),
                                 filters=[empty_to_none], validators=[NOT_READ_BY_OTHERS, Length(max=254)])

    def validate_contact_detail(self, field):
        if self.contact_way.data in (ContactWay.PHONE.value, ContactWay.EMAIL.value, ContactWay.SMS.value) \
                and not field.data:
            raise ValidationError(_l("Give a number or an address so the staff can reach you."))


def contact_ways() -> list[ContactWay]:
    """The choices of how to be contacted: the app, email, SMS (only with a gateway, REPORT_SMS_GATEWAY), a
    call, none."""
    ways = [ContactWay.IN_APP, ContactWay.PHONE, ContactWay.EMAIL, ContactWay.NONE]
    if "{number}" in (current_app.config.get("REPORT_SMS_GATEWAY") or ""):
        ways.insert(3, ContactWay.SMS)
    return ways


class RespondForm(BaseForm):
    # A staff message in the report's conversation: "message" (an answer) or "question" (the button pressed).
    form_token = HiddenField()
    kind = HiddenField(default="message", validators=[Optional(), AnyOf(["message", "question"])])
    response = TextAreaField(_l("Answer to the reporter"), filters=[strip],
                             validators=[READ_BY_OTHERS, DataRequired(_l("Write the answer.")), Length(max=TEXT_MAX)],
                             description=_l("The person who reported sees this on their report."))


class ReporterMessageForm(BaseForm):
    """The reporter's part of the conversation on their report: a message, "still happening" or "resolved for
    me" (the button pressed, `kind`); the text is needed for a message only."""
    form_token = HiddenField()
    kind = HiddenField(default="message", validators=[AnyOf(["message", "still_happening", "resolved_for_me"],
                                                            message=_l("Choose what to send."))])
    text = TextAreaField(_l("Your message to the staff"), filters=[strip],
                         validators=[READ_BY_STAFF, Length(max=TEXT_MAX, message=_l("Keep it under 2000 characters."))],
                         description=_l("Only the staff read it."))

    def validate_text(self, field):
        if self.kind.data in (None, "", "message") and not field.data:
            raise ValidationError(_l("Write your message first."))


class CloseForm(BaseForm):
    outcome = TextAreaField(_l("What was done"), filters=[strip],
                            validators=[READ_BY_OTHERS, DataRequired(_l("Say what was done before you close.")),
                                        Length(max=TEXT_MAX)],
                            description=_l("The person who reported sees this too."))


class EscalationForm(BaseForm):
    """Minutes per category before a report nobody acknowledges goes to the next in the on-duty chain: one
    field per category, named after it (added below)."""

    def minutes(self) -> dict:
        return {c: self[c.value].data for c in ReportCategory}


for _category in ReportCategory:
    setattr(EscalationForm, _category.value, IntegerField(
        LazyString(report_category_label, _category),
        validators=[DataRequired(_l("Give the minutes.")),
                    NumberRange(min=1, max=24 * 60, message=_l("Use 1 to 1440 minutes."))]))


class AgendaProposalForm(BaseForm):
    """A report pattern proposed to the council agenda, in the staff's words (pre-filled neutrally)."""
    form_token = HiddenField()
    title = StringField(_l("Title on the council agenda"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Give the item a title.")), Length(max=160)])
    why = TextAreaField(_l("Text for the council"), filters=[empty_to_none],
                        validators=[READ_BY_OTHERS, Optional(), Length(max=4000)],
                        description=_l("Every member can read it once the agenda is published. Never quote a "
                                       "report or name anyone."),
                        render_kw={"rows": 5})
