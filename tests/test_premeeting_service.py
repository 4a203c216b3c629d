"""The pre-meeting's rules and its three outflows, called without HTTP."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from naborad.extensions import db
from naborad.models import (
    AgendaItem,
    ItemState,
    Meeting,
    MeetingStatus,
    Notification,
    OutboxMail,
    PreItemState,
    PreMeeting,
    PreMeetingComment,
    PreMeetingItem,
    PreMeetingResponse,
    Role,
    utcnow,
)
from naborad.premeeting import outflows, service
from naborad.premeeting.service import NotAllowed

from .helpers import count
from .test_premeeting_boundary import COUNCIL_MODELS


@contextmanager
def council_rows_written():
    """Collect every council row added, changed or deleted (by the ORM or by an UPDATE/INSERT/DELETE)."""
    written = []
    tables = {m.class_.__tablename__ for m in db.Model.registry.mappers if m.class_.__name__ in COUNCIL_MODELS}

    def before_flush(session, context, instances):
        changed = [o for o in session.dirty if session.is_modified(o)]
        written.extend(o for o in [*session.new, *session.deleted, *changed] if type(o).__name__ in COUNCIL_MODELS)

    def on_execute(state):
        if (state.is_update or state.is_delete or state.is_insert) and state.statement.table.name in tables:
            written.append(state.statement)
    event.listen(Session, "before_flush", before_flush)
    event.listen(Session, "do_orm_execute", on_execute)
    try:
        yield written
    finally:
        event.remove(Session, "before_flush", before_flush)
        event.remove(Session, "do_orm_execute", on_execute)


@pytest.fixture
def room(make_user):
    """A council meeting with one accepted item, and a pre-meeting that prepares it."""
    meeting = Meeting(starts_at=utcnow() + timedelta(days=10), place="Fellesrommet")
    db.session.add(meeting)
    db.session.flush()
    council_item = AgendaItem(meeting_id=meeting.id, title="Søppel", state=ItemState.ACCEPTED, position=3,
                              concerns_residents=True)
    premeeting = PreMeeting(meeting_id=meeting.id, starts_at=utcnow() + timedelta(days=5), place="Stua")
    db.session.add_all([council_item, premeeting])
    db.session.commit()
    return meeting, council_item, premeeting


@pytest.fixture
def linked(room):
    """A pre-meeting item imported from the council item, with a summary."""
    meeting, council_item, premeeting = room
    item = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=council_item.id, title="Søppel",
                          state=PreItemState.ACCEPTED, summary="Beboerne vil ha nytt lokk.")
    db.session.add(item)
    db.session.commit()
    return meeting, council_item, item


# -- the guard used below sees council writes ---------------------------------------------------

def test_the_guard_sees_council_writes(room):
    meeting, council_item, premeeting = room
    with council_rows_written() as written:
        premeeting.place = "Kjøkkenet"
        db.session.commit()
        assert written == []
        council_item.why = "x"
        db.session.commit()
        db.session.execute(update(AgendaItem).values(residents_heard=True))
    assert len(written) == 2


# -- inside the room: nothing reaches council tables ----------------------------------------------

def test_a_whole_pre_meeting_writes_no_council_row(room, make_user):
    meeting, council_item, _ = room
    staff, resident = make_user(Role.STAFF), make_user(Role.RESIDENT)
    with council_rows_written() as written:
        premeeting = service.schedule(starts_at=utcnow() + timedelta(days=3), place="Stua", title=None,
                                      meeting_id=meeting.id, form_token="s1", by=staff)
        assert service.import_council_agenda(premeeting) == 1
        proposal = service.propose(premeeting, title="Vaskerom", text=None, by=resident, form_token="p1")
        service.accept(proposal)
        service.move(proposal, -1)
        declined = service.propose(premeeting, title="Julebord", text=None, by=resident, form_token="p2")
        service.decline(declined, "Ikke nå")
        comment = service.add_comment(proposal, by=resident, body="Ja", show_name=False, form_token="c1")
        service.hide_comment(comment, "Navn")
        service.toggle_raise_wanted(proposal)
        service.answer(premeeting, resident, True)
        service.mark_agenda_ready(premeeting, by=staff)
        service.page_data(premeeting, staff)
    assert written == []
    agenda = db.session.scalars(select(PreMeetingItem).where(PreMeetingItem.state == PreItemState.ACCEPTED)
                                .order_by(PreMeetingItem.position)).all()
    assert [i.title for i in agenda] == ["Vaskerom", "Søppel"]  # moved up above the imported item
    assert proposal.raise_wanted and comment.hidden_reason == "Navn" and declined.decline_reason == "Ikke nå"


def test_schedule_creates_once_per_token_and_tells_residents_and_staff_only(room, make_user):
    meeting, _, _ = room
    staff = make_user(Role.STAFF)
    resident, other_staff = make_user(Role.RESIDENT, email="r@example.org"), make_user(Role.STAFF)
    make_user(Role.NEIGHBOUR), make_user(Role.CHAIR)
    first = service.schedule(starts_at=utcnow() + timedelta(days=3), place="Stua", title="Vår", meeting_id=meeting.id,
                             form_token="t", by=staff)
    again = service.schedule(starts_at=utcnow() + timedelta(days=4), place="Annet", title=None, meeting_id=None,
                             form_token="t", by=staff)
    assert again.id == first.id and count(PreMeeting, PreMeeting.form_token == "t") == 1
    told = db.session.scalars(select(Notification)).all()
    assert sorted(n.user_id for n in told) == sorted([resident.id, other_staff.id])  # not the scheduler
    # "planned", not "the agenda is ready" (issue 14, item 4); under the same setting as the "premeeting" kind
    assert {(n.kind, n.subject_type, n.subject_id) for n in told} == {("premeeting_planned", "premeeting", first.id)}
    assert "Stua" not in " ".join(m.context for m in db.session.scalars(select(OutboxMail)))


def test_schedule_drops_a_meeting_that_does_not_exist(make_user):
    premeeting = service.schedule(starts_at=utcnow() + timedelta(days=3), place="Stua", title=None,
                                  meeting_id=999_999, form_token="t", by=make_user(Role.STAFF))
    assert premeeting.meeting_id is None


def test_agenda_ready_is_told_once(room, make_user):
    _, _, premeeting = room
    staff = make_user(Role.STAFF)
    make_user(Role.RESIDENT), make_user(Role.NEIGHBOUR)
    service.mark_agenda_ready(premeeting, by=staff)
    ready_at = premeeting.agenda_ready_at
    service.mark_agenda_ready(premeeting, by=staff)
    assert premeeting.agenda_ready_at == ready_at and count(Notification) == 1


def test_import_needs_a_council_meeting_and_adds_each_item_once(room):
    meeting, council_item, premeeting = room
    assert service.import_council_agenda(premeeting) == 1
    assert service.import_council_agenda(premeeting) == 0
    lonely = PreMeeting(starts_at=utcnow() + timedelta(days=1), place="Stua")
    db.session.add(lonely)
    db.session.commit()
    with pytest.raises(NotAllowed):
        service.import_council_agenda(lonely)


def test_a_residents_proposal_waits_and_a_staff_item_goes_on_the_agenda(room, make_user):
    _, _, premeeting = room
    resident, staff = make_user(Role.RESIDENT), make_user(Role.STAFF)
    proposal = service.propose(premeeting, title="A", text=None, by=resident, form_token="a")
    assert service.propose(premeeting, title="A", text=None, by=resident, form_token="a").id == proposal.id
    item = service.propose(premeeting, title="B", text=None, by=staff, form_token="b")
    assert (proposal.state, proposal.position) == (PreItemState.PROPOSED, 0)
    assert (item.state, item.position) == (PreItemState.ACCEPTED, 1)
    assert count(PreMeetingItem) == 2


def test_comments_are_made_once_and_only_on_agenda_items(room, make_user):
    _, _, premeeting = room
    resident = make_user(Role.RESIDENT)
    proposal = service.propose(premeeting, title="A", text=None, by=resident, form_token="a")
    with pytest.raises(NotAllowed):
        service.add_comment(proposal, by=resident, body="x", show_name=True, form_token="c")
    with pytest.raises(NotAllowed):
        service.toggle_raise_wanted(proposal)
    service.accept(proposal)
    first = service.add_comment(proposal, by=resident, body="x", show_name=True, form_token="c")
    assert service.add_comment(proposal, by=resident, body="x", show_name=True, form_token="c").id == first.id
    assert count(PreMeetingComment) == 1


def test_an_answer_is_changed_in_place(room, make_user):
    _, _, premeeting = room
    resident = make_user(Role.RESIDENT)
    service.answer(premeeting, resident, True)
    assert service.answer(premeeting, resident, False).coming is False
    assert count(PreMeetingResponse) == 1


# -- outflow 1: the summary ---------------------------------------------------------------------

def test_share_puts_the_summary_on_the_council_item_and_marks_residents_heard(linked):
    _, council_item, item = linked
    outflows.share_summary(item)
    db.session.refresh(council_item)
    assert item.summary_shared
    assert council_item.residents_summary == "Beboerne vil ha nytt lokk." and council_item.residents_heard


def test_share_needs_a_linked_council_item_and_a_summary(room, linked):
    _, _, premeeting = room
    _, council_item, item = linked
    item.summary = None
    unlinked = PreMeetingItem(premeeting_id=premeeting.id, title="Eget", state=PreItemState.ACCEPTED, summary="S")
    db.session.add(unlinked)
    db.session.commit()
    for refused in (item, unlinked):
        with pytest.raises(NotAllowed):
            outflows.share_summary(refused)
    db.session.refresh(council_item)
    assert council_item.residents_summary is None and not council_item.residents_heard


def test_editing_a_shared_summary_follows_and_emptying_it_unshares(linked):
    _, council_item, item = linked
    outflows.share_summary(item)
    outflows.save_summary(item, "Nytt lokk og skilt.")
    db.session.refresh(council_item)
    assert council_item.residents_summary == "Nytt lokk og skilt."
    outflows.save_summary(item, None)
    db.session.refresh(council_item)
    assert council_item.residents_summary is None and not item.summary_shared


def test_an_unshared_summary_stays_in_the_room(linked):
    _, council_item, item = linked
    with council_rows_written() as written:
        outflows.save_summary(item, "Bare for oss.")
    assert written == [] and item.summary == "Bare for oss."


def test_withdraw_clears_the_council_copy(linked):
    _, council_item, item = linked
    outflows.share_summary(item)
    outflows.withdraw_summary(item)
    db.session.refresh(council_item)
    assert council_item.residents_summary is None and not item.summary_shared
    assert council_item.residents_heard  # the mark is a separate outflow and stays


def test_a_shared_summary_is_frozen_once_the_minutes_are_approved(linked):
    meeting, council_item, item = linked
    outflows.share_summary(item)
    meeting.status = MeetingStatus.APPROVED
    db.session.commit()
    assert service.is_frozen(council_item)
    for change in (lambda: outflows.withdraw_summary(item), lambda: outflows.save_summary(item, "Endret"),
                   lambda: outflows.share_summary(item)):
        with pytest.raises(NotAllowed):
            change()
    db.session.rollback()
    db.session.refresh(council_item)
    assert council_item.residents_summary == "Beboerne vil ha nytt lokk." and item.summary_shared


# -- outflow 2: an item raised to the council agenda ----------------------------------------------

def test_raise_makes_one_council_item_per_token_attributed_to_the_pre_meeting(room, make_user):
    meeting, _, premeeting = room
    resident = make_user(Role.RESIDENT, display_name="Hemmelig")
    item = PreMeetingItem(premeeting_id=premeeting.id, title="Vaskerom", text="HEMMELIG-TEKST",
                          state=PreItemState.ACCEPTED, proposer_id=resident.id)
    db.session.add(item)
    db.session.commit()
    assert outflows.may_raise(item)
    council = outflows.raise_to_council(item, title="Rutiner for vaskerommet", why="Fra de ansatte", form_token="r")
    assert outflows.raise_to_council(item, title="Rutiner for vaskerommet", why="Fra de ansatte",
                                     form_token="r").id == council.id
    assert count(AgendaItem, AgendaItem.from_premeeting.is_(True)) == 1
    assert (council.meeting_id, council.title, council.why, council.proposer_id, council.state) == (
        meeting.id, "Rutiner for vaskerommet", "Fra de ansatte", None, ItemState.PROPOSED)
    assert council.from_premeeting and council.concerns_residents and council.residents_heard
    assert "hemmelig" not in council.search_text and "vaskerommet" in council.search_text
    assert item.raised_item_id == council.id and not outflows.may_raise(item)
    with pytest.raises(NotAllowed):  # another form for the same item
        outflows.raise_to_council(item, title="Igjen", why=None, form_token="other")
    assert count(AgendaItem, AgendaItem.from_premeeting.is_(True)) == 1


def test_raise_goes_to_the_next_open_council_meeting_or_nowhere(make_user):
    premeeting = PreMeeting(starts_at=utcnow() + timedelta(days=1), place="Stua")
    db.session.add(premeeting)
    db.session.flush()
    item = PreMeetingItem(premeeting_id=premeeting.id, title="A", state=PreItemState.ACCEPTED)
    db.session.add(item)
    db.session.commit()
    assert not outflows.may_raise(item)
    with pytest.raises(NotAllowed):
        outflows.raise_to_council(item, title="A", why=None, form_token="r")
    later, sooner = (Meeting(starts_at=utcnow() + timedelta(days=d), place="Rom") for d in (20, 9))
    db.session.add_all([later, sooner])
    db.session.commit()
    assert outflows.raise_to_council(item, title="A", why=None, form_token="r").meeting_id == sooner.id


# -- outflow 3: the "residents heard" mark --------------------------------------------------------

def test_set_residents_heard(room):
    _, council_item, _ = room
    outflows.set_residents_heard(council_item, True)
    db.session.refresh(council_item)
    assert council_item.residents_heard
    outflows.set_residents_heard(council_item, False)
    db.session.refresh(council_item)
    assert not council_item.residents_heard
