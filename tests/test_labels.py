"""The enum labels: one module, one table per enum and locale, the same functions in templates and code."""
from flask_babel import force_locale

from naborad import labels
from naborad.models import (
    ChairSeat,
    ContactWay,
    CycleResult,
    IssueCategory,
    IssueStatus,
    ItemPhase,
    MeetingStatus,
    ReportCategory,
    ReportStatus,
    Role,
    RsvpAnswer,
    StandingKind,
)

LABELLED = {
    labels.category_label: IssueCategory, labels.status_label: IssueStatus,
    labels.meeting_status_label: MeetingStatus, labels.phase_label: ItemPhase, labels.rsvp_label: RsvpAnswer,
    labels.standing_label: StandingKind, labels.report_category_label: ReportCategory,
    labels.report_status_label: ReportStatus, labels.report_contact_way_label: ContactWay,
    labels.role_label: Role, labels.cycle_result_label: CycleResult,
}


def test_every_label_function_is_a_template_global_by_its_name(app):
    names = {name for name in dir(labels) if name.endswith("_label")} | {"invitation_state"}
    assert names == set(labels.TEMPLATE_GLOBALS)
    for name in names:
        assert app.jinja_env.globals[name] is getattr(labels, name)


def test_every_value_of_every_enum_has_a_label_in_both_languages(app):
    for function, enum in LABELLED.items():
        for value in enum:
            with app.test_request_context(), force_locale("en"):
                english = function(value)
                assert function(value.value) == english  # the stored string works as well as the member
            with app.test_request_context(), force_locale("nb"):
                bokmal = function(value)
            assert english and bokmal and bokmal != english, (function, value)


def test_labels_follow_the_locale_asked_in(app):
    with app.test_request_context():
        with force_locale("nb"):
            assert labels.category_label("noise") == "Støy"
            assert labels.role_label(Role.CHAIR, ChairSeat.DEPUTY) == "Nestleder"
            assert labels.invitation_state("expired") == "Utløpt"
        with force_locale("en"):
            assert labels.category_label("noise") == "Noise"
            assert labels.role_label(Role.CHAIR, ChairSeat.DEPUTY) == "Deputy chair"
            assert labels.invitation_state("expired") == "Expired"
        with force_locale("nb"):
            assert labels.category_label("noise") == "Støy"


def test_a_table_is_built_once_per_locale(app):
    built = []
    table = labels._per_locale(lambda: built.append(1) or {"x": len(built)})
    with app.test_request_context():
        with force_locale("nb"):
            assert table() is table()
        with force_locale("en"):
            table(), table()
        with force_locale("nb"):
            table()
    assert len(built) == 2


def test_unknown_roles_and_invitation_states_are_shown_as_they_are(app):
    with app.test_request_context(), force_locale("en"):
        assert labels.role_label("deputy") == "deputy"
        assert labels.invitation_state("lost") == "lost"
