"""Forms for meetings, agenda items, minutes and action items."""
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from ..forms import NOT_READ_BY_OTHERS, READ_BY_OTHERS, BaseForm, LocalDateTimeField, empty_to_none, strip
from ..labels import cycle_result_label, phase_label, rsvp_label
from ..models import CycleResult, ItemPhase, RsvpAnswer, SeriesRule
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


# -- the council's rhythm (issue 21): series, single dates, pause and resume -------------------

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))
NTH = ((1, _l("first")), (2, _l("second")), (3, _l("third")), (4, _l("fourth")), (-1, _l("last")))


class SeriesForm(BaseForm):
    form_token = HiddenField()
    rule = RadioField(_l("How often"), default=SeriesRule.EVERY_N_WEEKS.value, choices=lambda: [
        SelectChoice(SeriesRule.EVERY_N_WEEKS.value, _l("Every few weeks on a weekday")),
        SelectChoice(SeriesRule.NTH_WEEKDAY.value, _l("A weekday of the month (for example the first Monday)"))])
    interval = IntegerField(_l("Every how many weeks"), default=6,
                            validators=[DataRequired(_l("Give a number of weeks.")), NumberRange(1, 12)])
    nth = SelectField(_l("Which one in the month"), coerce=int, default=1,
                      choices=lambda: [SelectChoice(n, label) for n, label in NTH])
    weekday = SelectField(_l("Weekday"), coerce=int, default=1,
                          choices=lambda: [SelectChoice(i, day) for i, day in enumerate(WEEKDAYS)])
    at = TimeField(_l("Time"), default=time(18), validators=[DataRequired(_l("Choose the time."))])
    starts_on = DateField(_l("From"), validators=[DataRequired(_l("Choose the first day."))],
                          description=_l("Public holidays are skipped."))
    place = StringField(_l("Place"), filters=[strip], validators=[READ_BY_OTHERS,
                                                                  DataRequired(_l("Where do you meet?")),
                                                                  Length(max=160)])
    ahead_days = IntegerField(_l("Plan meetings this many days ahead"), default=90,
                              validators=[DataRequired(_l("Give a number of days.")), NumberRange(7, 365)],
                              description=_l("Never more than 12 planned meetings at a time."))
    active = BooleanField(_l("The series makes meetings"), default=True)

    def values(self) -> dict:
        """The series' fields, as `meetings.series.create/change` take them."""
        return dict(rule=self.rule.data, interval=self.interval.data, weekday=self.weekday.data, nth=self.nth.data,
                    at=self.at.data.strftime("%H:%M"), starts_on=self.starts_on.data, place=self.place.data,
                    ahead_days=self.ahead_days.data)


class SeriesDateForm(BaseForm):
    """One date of a series moved or cancelled."""
    occurs_on = SelectField(_l("Date"), validate_choice=True)
    action = RadioField(_l("What happens"), default="move", choices=lambda: [
        SelectChoice("move", _l("Move it")), SelectChoice("cancel", _l("Cancel it"))])
    moved_to = LocalDateTimeField(_l("New date and time"), validators=[Optional()])
    message = StringField(_l("Message to members"), filters=[empty_to_none],
                          validators=[READ_BY_OTHERS, Optional(), Length(max=500)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.action.data == "move" and not self.moved_to.data:
            self.moved_to.errors.append(_l("Choose the new date and time."))
            valid = False
        if self.action.data == "cancel" and not self.message.data:
            self.message.errors.append(_l("Say why the meeting is cancelled."))
            valid = False
        return valid


class PauseForm(BaseForm):
    message = TextAreaField(_l("Message to members"), filters=[strip],
                            validators=[READ_BY_OTHERS, Length(max=500),
                                        DataRequired(_l("Say why the council pauses, and for how long."))],
                            description=_l("Members see it on their overview and the meetings page. The public "
                                           "contact page says only that the council has paused its meetings."))


class ResumeForm(BaseForm):
    series_continue = RadioField(_l("Should the meeting series continue?"), default="yes", choices=lambda: [
        SelectChoice("yes", _l("Yes, the series make meetings again")),
        SelectChoice("no", _l("No, stop the series (start them again later from their page)"))])
