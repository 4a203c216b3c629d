"""Forms for meetings, agenda items, minutes and action items."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from ..forms import NOT_READ_BY_OTHERS, READ_BY_OTHERS, BaseForm, LocalDateTimeField, empty_to_none, strip
from ..labels import cycle_result_label, phase_label, rsvp_label
from ..models import CycleResult, ItemPhase, RsvpAnswer
from ..search import parse_id
from .service import member_names


class MeetingForm(BaseForm):
    form_token = HiddenField()
    starts_at = LocalDateTimeField(_l("Date and time"), validators=[DataRequired(_l("Choose the date and time."))])
    place = StringField(_l("Place"), filters=[strip], validators=[READ_BY_OTHERS,
                                                                  DataRequired(_l("Where do you meet?")),
                                                                  Length(max=160)],
                        description=_l("For example “the common room at the facility”."))
    video_url = URLField(_l("Video link (optional)"), filters=[empty_to_none],
                         validators=[NOT_READ_BY_OTHERS, Optional(),
                                     URL(message=_l("Enter a full web address, https://…")), Length(max=300)])


class CancelForm(BaseForm):
    message = StringField(_l("Message to members"), filters=[strip],
                          validators=[READ_BY_OTHERS,
                                      DataRequired(_l("Say why the meeting is cancelled.")), Length(max=500)])


class ProposalForm(BaseForm):
    form_token = HiddenField()
    issue_id = HiddenField()
    title = StringField(_l("Title"), filters=[strip], validators=[READ_BY_OTHERS,
                                                                  DataRequired(_l("Give the item a title.")),
                                                                  Length(max=160)])
    why = TextAreaField(_l("Why should the council talk about it?"), filters=[empty_to_none],
                        validators=[READ_BY_OTHERS, Optional(), Length(max=4000)])


class ReasonForm(BaseForm):
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Give a short reason; the proposer sees it.")),
                                     Length(max=300)])


class MoveForm(BaseForm):
    meeting_id = SelectField(_l("Move to meeting"), coerce=int, validate_choice=True)


class ItemSettingsForm(BaseForm):
    minutes_planned = IntegerField(_l("Time in minutes"), validators=[Optional(), NumberRange(1, 240)])
    phase = SelectField(_l("Stage"), validators=[Optional()],
                        choices=lambda: [SelectChoice("", "–")] + [SelectChoice(p.value, phase_label(p))
                                                                   for p in ItemPhase])


class MinutesForm(BaseForm):
    notes = TextAreaField(_l("Notes"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                            Optional(), Length(max=20000)])
    decision = TextAreaField(_l("Decision (optional)"), filters=[empty_to_none],
                             validators=[READ_BY_OTHERS, Optional(), Length(max=4000)])
    # Shown on items that concern the residents, who were not heard (meetings.service.ReasonNeeded).
    unheard_reason = StringField(_l("Decided without the residents' pre-meeting, because …"),
                                 filters=[empty_to_none], validators=[READ_BY_OTHERS, Optional(), Length(max=300)],
                                 description=_l("This item concerns the residents, and they have not been heard "
                                                "in their pre-meeting. If the council decides now, say why; "
                                                "the minutes and the decision log show it."))
    # Shown on follow-up items (issue 21): "did it work?"; "did not" sends the issue back to solutions.
    followup_result = RadioField(_l("Did it work?"), validators=[Optional()],
                                 choices=lambda: [SelectChoice(r.value, cycle_result_label(r)) for r in CycleResult],
                                 description=_l("If it did not work, the issue is proposed for solutions at the "
                                                "next meeting."))


def _member_choices():
    """Who may be given an action item: a member, or nobody (then a name outside the council)."""
    return [SelectChoice("", "–")] + [SelectChoice(str(i), name) for i, name in member_names()]


class ActionForm(BaseForm):
    form_token = HiddenField()
    what = StringField(_l("What is to be done"), filters=[strip],
                       validators=[READ_BY_OTHERS, DataRequired(_l("Say what is to be done.")), Length(max=300)])
    assignee_id = SelectField(_l("Who (a member)"), coerce=parse_id, choices=_member_choices,
                              validate_choice=False)
    assignee_name = StringField(_l("…or someone outside the council"), filters=[empty_to_none],
                                validators=[READ_BY_OTHERS, Optional(), Length(max=120)],
                                description=_l("For example “Drammen kommune, bydrift”."))
    due = DateField(_l("Due date (optional)"), validators=[Optional()])

    def is_empty(self) -> bool:
        """Nothing typed in the action item's fields (the minutes page saves without adding one)."""
        return not any(f.raw_data and f.raw_data[0] for f in (self.what, self.assignee_id, self.assignee_name, self.due))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.assignee_id.data and not self.assignee_name.data:
            self.assignee_name.errors.append(_l("Choose a member or write who is responsible."))
            valid = False
        return valid


class DoneForm(BaseForm):
    note = StringField(_l("Short note (optional)"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                                         Optional(), Length(max=300)])


class RsvpForm(BaseForm):
    answer = SelectField(_l("Are you coming?"), choices=lambda: [SelectChoice(a.value, rsvp_label(a))
                                                                 for a in RsvpAnswer])


class SearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[NOT_READ_BY_OTHERS, Optional(), Length(max=100)])
