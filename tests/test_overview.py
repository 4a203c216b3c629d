"""The overview ("oversikt") per role, the one on-duty number, and how dates and times read (issue 15)."""
import re
from datetime import date, datetime, timedelta, timezone

from flask_babel import force_locale

from naborad.extensions import db
from naborad.i18n import ago_filter, date_filter, datetime_filter
from naborad.models import AgendaItem, ItemPhase, ItemState, Meeting, MeetingStatus, Role, utcnow


def text_of(html: str, pattern: str) -> str:
    """The text of the first element matching `pattern` (a regex over the HTML), tags out, spaces folded."""
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


# -- how times read -------------------------------------------------------------------------------

NOW = datetime(2026, 12, 16, 14, 0, tzinfo=timezone.utc)  # 15:00 in Oslo


def test_relative_times_read_naturally_in_bokmal(app):
    with app.test_request_context(), force_locale("nb"):
        assert ago_filter(NOW - timedelta(days=4), now=NOW) == "for 4 dager siden"
        assert "døgn" not in ago_filter(NOW - timedelta(hours=50), now=NOW)
        assert ago_filter(NOW - timedelta(hours=20), now=NOW) == "i går"
        assert ago_filter(NOW - timedelta(seconds=20), now=NOW) == "akkurat nå"
        assert ago_filter(NOW - timedelta(minutes=1), now=NOW) == "for 1 minutt siden"
        assert ago_filter(NOW - timedelta(hours=3), now=NOW) == "for 3 timer siden"
        assert ago_filter(NOW - timedelta(days=16), now=NOW) == "for 2 uker siden"
        assert ago_filter(NOW - timedelta(days=100), now=NOW) == "for 3 måneder siden"
        assert ago_filter(NOW - timedelta(days=800), now=NOW) == "for 2 år siden"
        assert ago_filter(NOW + timedelta(hours=20), now=NOW) == "i morgen"
        assert ago_filter(NOW + timedelta(days=5), now=NOW) == "om 5 dager"
    with app.test_request_context(), force_locale("en"):
        assert ago_filter(NOW - timedelta(days=4), now=NOW) == "4 days ago"
        assert ago_filter(NOW - timedelta(hours=20), now=NOW) == "yesterday"


def test_dates_read_one_local_way_never_iso_and_never_with_seconds(app):
    at = datetime(2026, 12, 20, 17, 0, tzinfo=timezone.utc)  # 18:00 in Oslo
    with app.test_request_context(), force_locale("nb"):
        assert date_filter(date(2026, 12, 20)) == "20. desember 2026"
        assert datetime_filter(at, "short") == "20. des. 2026 kl. 18:00"
        assert datetime_filter(at, "medium") == "20. desember 2026 kl. 18:00"
        assert datetime_filter(at, "day") == "søndag 20. desember 2026 kl. 18:00"


def test_an_action_items_due_date_is_not_iso_on_the_meeting_page(client_for, make_user):
    meeting = Meeting(starts_at=utcnow() + timedelta(days=3), place="Stua", status=MeetingStatus.PLANNED)
    db.session.add(meeting)
    db.session.flush()
    from naborad.models import ActionItem
    item = AgendaItem(meeting_id=meeting.id, title="Lys i bakgården", state=ItemState.ACCEPTED, position=1)
    db.session.add(item)
    db.session.flush()
    db.session.add(ActionItem(agenda_item_id=item.id, meeting_id=meeting.id, what="Ringe kommunen",
                              assignee_name="Vaktmester", due=date(2026, 12, 20)))
    db.session.commit()
    chair, _ = client_for(Role.CHAIR)
    html = chair.get(f"/moter/{meeting.id}").get_data(as_text=True)
    assert "Ringe kommunen" in html
    assert "2026-12-20" not in html and "20. desember 2026" in html


# -- spaces between the parts of a line -------------------------------------------------------------

def test_agenda_item_and_proposal_meta_lines_have_their_spaces(client_for, make_user, make_issue):
    proposer = make_user(Role.NEIGHBOUR, display_name="Kari")
    issue = make_issue(title="Søppel ved containeren")
    meeting = Meeting(starts_at=utcnow() + timedelta(days=3), place="Stua", status=MeetingStatus.PLANNED)
    db.session.add(meeting)
    db.session.flush()
    accepted = AgendaItem(meeting_id=meeting.id, title="Søppel igjen", state=ItemState.ACCEPTED, position=1,
                          phase=ItemPhase.FOLLOW_UP, minutes_planned=15, proposer_id=proposer.id,
                          issue_id=issue.id)
    proposed = AgendaItem(meeting_id=meeting.id, title="Benker", proposer_id=proposer.id, issue_id=issue.id)
    db.session.add_all([accepted, proposed])
    db.session.commit()
    chair, _ = client_for(Role.CHAIR)
    html = chair.get(f"/moter/{meeting.id}").get_data(as_text=True)
    agenda_meta = text_of(html, rf'id="punkt-{accepted.id}".*?<p class="meta">.*?</p>')
    assert "Følge opp 15 minutter · Foreslått av Kari · Sak: Søppel ved containeren" in agenda_meta
    proposal_meta = text_of(html, rf'id="punkt-{proposed.id}".*?<p class="meta">.*?</p>')
    assert "Foreslått av Kari · Sak: Søppel ved containeren" in proposal_meta
    # In the raw HTML too (a screen reader reads it as typed): no word runs into a middle dot.
    raw = re.search(rf'id="punkt-{accepted.id}".*?<p class="meta">(.*?)</p>', html, re.S).group(1)
    plain = re.sub(r"<[^>]+>", "", raw)
    assert not re.search(r"[^\s>]·|·[^\s<]", plain) and "opp15" not in plain
