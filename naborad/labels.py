"""What the enums are called in the visitor's language: one table per enum, built once per locale.

create_app registers every label function below for the templates under the same name; features import
them from here."""
from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import gettext as _

from .models import (
    AgreementStatus,
    ChairSeat,
    ContactWay,
    CycleResult,
    IssueCategory,
    IssueStatus,
    ItemPhase,
    MeetingStatus,
    ReportCategory,
    ReportStatus,
    Responsible,
    Role,
    RsvpAnswer,
    StandingKind,
)


def _per_locale(build: Callable[[], dict]) -> Callable[[], dict]:
    """`build()`'s table, translated into the current locale the first time that locale asks for it."""
    tables = {}

    def table() -> dict:
        locale = str(get_locale())
        if locale not in tables:
            tables[locale] = build()
        return tables[locale]
    return table


_issue_categories = _per_locale(lambda: {
    IssueCategory.NOISE: _("Noise"), IssueCategory.TRAFFIC: _("Traffic and parking"),
    IssueCategory.LITTER: _("Litter"), IssueCategory.SAFETY: _("Safety"),
    IssueCategory.COOPERATION: _("Cooperation"), IssueCategory.OTHER: _("Other")})

_issue_statuses = _per_locale(lambda: {
    IssueStatus.NEW: _("New"), IssueStatus.DISCUSSING: _("Being discussed"),
    IssueStatus.AGREED: _("Measure agreed"), IssueStatus.RESOLVED: _("Resolved"),
    IssueStatus.CLOSED: _("Closed")})

_meeting_statuses = _per_locale(lambda: {
    MeetingStatus.PLANNED: _("Planned"), MeetingStatus.PUBLISHED: _("Agenda published"),
    MeetingStatus.HELD: _("Held"), MeetingStatus.APPROVED: _("Minutes approved"),
    MeetingStatus.CANCELLED: _("Cancelled")})

_phases = _per_locale(lambda: {
    ItemPhase.MAP: _("Map the challenge"), ItemPhase.PROPOSE: _("Propose solutions"),
    ItemPhase.DECIDE: _("Decide"), ItemPhase.FOLLOW_UP: _("Follow up")})

_cycle_results = _per_locale(lambda: {  # issue 21: "did it work?"
    CycleResult.WORKED: _("It worked"), CycleResult.PARTLY: _("It partly worked"),
    CycleResult.DID_NOT: _("It did not work")})

_rsvp_answers = _per_locale(lambda: {
    RsvpAnswer.YES: _("Coming"), RsvpAnswer.NO: _("Not coming"), RsvpAnswer.MAYBE: _("Maybe")})

_standing_kinds = _per_locale(lambda: {
    StandingKind.AGENDA: _("Approval of the agenda"), StandingKind.MINUTES: _("Minutes of the last meeting"),
    StandingKind.ACTIONS: _("Follow-up of open action items"), StandingKind.AOB: _("Any other business")})

_report_categories = _per_locale(lambda: {
    ReportCategory.NOISE: _("Noise or disturbance"), ReportCategory.UNWELL: _("Someone seems unwell"),
    ReportCategory.THREAT: _("Threat or feeling unsafe"), ReportCategory.LITTER: _("Litter"),
    ReportCategory.DAMAGE: _("Damage"), ReportCategory.OTHER: _("Something else")})

_report_statuses = _per_locale(lambda: {
    ReportStatus.NEW: _("Received"), ReportStatus.ACKNOWLEDGED: _("Staff are on it"),
    ReportStatus.CLOSED: _("Closed")})

_contact_ways = _per_locale(lambda: {
    ContactWay.NONE: _("No, I do not need to be contacted"), ContactWay.IN_APP: _("Answer me here in the app"),
    ContactWay.PHONE: _("Call or text me"), ContactWay.EMAIL: _("Email me"),
    ContactWay.SMS: _("Send me a text message (SMS)")})

_roles = _per_locale(lambda: {
    Role.RESIDENT: _("Resident"), Role.NEIGHBOUR: _("Neighbour"), Role.CHAIR: _("Chair"), Role.STAFF: _("Staff")})
_deputy = _per_locale(lambda: {ChairSeat.DEPUTY: _("Deputy chair")})

_invitation_states = _per_locale(lambda: {
    "open": _("Open"), "accepted": _("Accepted"), "withdrawn": _("Withdrawn"), "expired": _("Expired")})


def category_label(category) -> str:
    """An issue's category."""
    return _issue_categories()[IssueCategory(category)]


def status_label(status) -> str:
    """An issue's status."""
    return _issue_statuses()[IssueStatus(status)]


def meeting_status_label(status) -> str:
    return _meeting_statuses()[MeetingStatus(status)]


def phase_label(phase) -> str:
    """The stage of an agenda item."""
    return _phases()[ItemPhase(phase)]


def cycle_result_label(result) -> str:
    """The answer to "did it work?" at a follow-up."""
    return _cycle_results()[CycleResult(result)]


def rsvp_label(answer) -> str:
    return _rsvp_answers()[RsvpAnswer(answer)]


def standing_label(kind) -> str:
    """The items every agenda has."""
    return _standing_kinds()[StandingKind(kind)]


def report_category_label(category) -> str:
    return _report_categories()[ReportCategory(category)]


def report_status_label(status) -> str:
    return _report_statuses()[ReportStatus(status)]


def report_contact_way_label(way) -> str:
    """How the reporter wants to be contacted."""
    return _contact_ways()[ContactWay(way)]


def role_label(role, seat=None) -> str:
    """A member's role; the deputy chair is named as such. An unknown value is shown as it is."""
    if seat == ChairSeat.DEPUTY:
        return _deputy()[ChairSeat.DEPUTY]
    return _roles().get(role, str(role))


def invitation_state(state: str) -> str:
    """An invitation's state (Invitation.state); an unknown one is shown as it is."""
    return _invitation_states().get(state, state)


# issue 20: the good-neighbour agreement
_agreement_statuses = _per_locale(lambda: {
    AgreementStatus.KEPT: _("Kept"), AgreementStatus.NEEDS_WORK: _("Needs work"),
    AgreementStatus.DROPPED: _("Dropped")})
_responsibles = _per_locale(lambda: {
    Responsible.EVERYONE: _("Everyone"), Responsible.NEIGHBOURS: _("The neighbours"),
    Responsible.RESIDENTS: _("The residents"), Responsible.STAFF: _("The staff"),
    Responsible.COUNCIL: _("The council"), Responsible.CHAIR: _("The chair")})


def agreement_status_label(status) -> str:
    return _agreement_statuses()[AgreementStatus(status)]


def responsible_label(responsible) -> str:
    """Who keeps a commitment of the good-neighbour agreement: a group or a role."""
    return _responsibles()[Responsible(responsible)]


# The template globals, by the names the templates use.
TEMPLATE_GLOBALS = {f.__name__: f for f in (
    category_label, status_label, meeting_status_label, phase_label, rsvp_label, standing_label,
    report_category_label, report_status_label, report_contact_way_label, role_label, invitation_state,
    agreement_status_label, responsible_label, cycle_result_label)}
