"""The boundary of the residents' pre-meeting: the only code that writes pre-meeting data into council tables.

The pre-meeting is the residents' own room (PERMISSIONS.md). Exactly three things leave it, each
by a staff action and each attributed to "the residents' pre-meeting", never to a person:

1. a summary that staff share on the council agenda item it prepares (frozen once that meeting's
   minutes are approved): `share_summary`, `withdraw_summary`, and `save_summary`, which keeps a
   shared copy in step with the text;
2. an item the residents want raised, which staff propose to the council agenda with a title and
   text written for that purpose: `raise_to_council`;
3. the yes/no "residents heard" mark on a council agenda item: `set_residents_heard` (the council's
   own toggle calls it too).

Nothing else leaves: not the pre-meeting's date, agenda, comments, unshared summaries, attendance or
who the residents are. No other module writes council rows from pre-meeting data;
tests/test_premeeting_boundary.py checks that. Every function here commits.
"""
from __future__ import annotations

from ..extensions import db
from ..forms import create_once
from ..models import AgendaItem, PreMeetingItem, next_open_meeting
from ..models.meetings import refresh_search_text
from .service import NotAllowed, council_item_for, is_frozen

# -- 1. the summary -----------------------------------------------------------------------

def save_summary(item: PreMeetingItem, text: str | None) -> None:
    """Save the residents' view of an item. Writes to council tables only while the summary is
    shared: `AgendaItem.residents_summary` of the linked council item follows the new text, and an
    empty text withdraws it (`residents_summary` = None, the item is no longer shared). Refused
    when a shared summary is frozen."""
    council = council_item_for(item)
    if item.summary_shared and is_frozen(council):
        raise NotAllowed
    item.summary = text
    if item.summary_shared and council is not None:
        council.residents_summary = item.summary
        if not item.summary:
            item.summary_shared, council.residents_summary = False, None
    db.session.commit()


def share_summary(item: PreMeetingItem) -> None:
    """Share the summary on the council item it prepares. Writes to council tables:
    `AgendaItem.residents_summary` (the summary text, shown as from the residents' pre-meeting) and
    `AgendaItem.residents_heard` = True (outflow 3: the pre-meeting has discussed it). Refused
    without a linked council item or a summary, or once the council minutes are approved."""
    council = council_item_for(item)
    if council is None or not item.summary or is_frozen(council):
        raise NotAllowed
    item.summary_shared = True
    council.residents_summary = item.summary
    _mark_heard(council, True)
    db.session.commit()


def withdraw_summary(item: PreMeetingItem) -> None:
    """Take a shared summary back. Writes to council tables: `AgendaItem.residents_summary` = None
    (the "residents heard" mark stays as it is). Refused without a linked council item, or once
    the council minutes are approved."""
    council = council_item_for(item)
    if council is None or is_frozen(council):
        raise NotAllowed
    item.summary_shared = False
    council.residents_summary = None
    db.session.commit()


# -- 2. an item raised to the council agenda ---------------------------------------------------

def may_raise(item: PreMeetingItem) -> bool:
    """Not raised yet, and a council meeting to raise it to (its own, else the next open one). Writes nothing."""
    return item.raised_item_id is None and _council_meeting_for(item) is not None


def raise_to_council(item: PreMeetingItem, *, title: str, why: str | None, form_token: str) -> AgendaItem:
    """Staff propose the item to the council agenda in their own words. Writes to council tables:
    one new `AgendaItem` (state proposed, no proposer, `from_premeeting`, `concerns_residents` and
    `residents_heard` set, its search text) on the pre-meeting's council meeting, else on the next
    open one; nothing of the pre-meeting item itself is copied. Once per form token: a repeated
    submit returns the council item it made. Links `item.raised_item_id`. Refused when the item was
    raised already (by another form) or no council meeting takes items."""
    if item.raised_item_id is not None:
        earlier = db.session.get(AgendaItem, item.raised_item_id)
        if earlier is not None and form_token and earlier.form_token == form_token:
            return earlier
        raise NotAllowed
    meeting_id = _council_meeting_for(item)
    if meeting_id is None:
        raise NotAllowed

    def new_item():
        council = AgendaItem(meeting_id=meeting_id, title=title, why=why, from_premeeting=True,
                             concerns_residents=True, residents_heard=True, form_token=form_token)
        refresh_search_text(council)
        return council
    council, created = create_once(AgendaItem, form_token, new_item)
    if created:
        item.raised_item_id = council.id
    db.session.commit()
    return council


def _council_meeting_for(item: PreMeetingItem) -> int | None:
    if item.premeeting.meeting_id is not None:
        return item.premeeting.meeting_id
    upcoming = next_open_meeting()
    return upcoming.id if upcoming else None


# -- 3. the "residents heard" mark ----------------------------------------------------------

def set_residents_heard(council_item: AgendaItem, heard: bool) -> None:
    """Staff say whether the residents have been heard on a council item. Writes to council tables:
    `AgendaItem.residents_heard` only. The caller checks that the council item may still change."""
    _mark_heard(council_item, heard)
    db.session.commit()


def _mark_heard(council_item: AgendaItem, heard: bool) -> None:
    council_item.residents_heard = heard
