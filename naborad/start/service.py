"""The rules of starting a council (issue 22): household letters and their codes, and the guided start.

Household letters: staff paste or upload a list of addresses; `preview()` reads it (a byte-order mark,
semicolons or commas, blank lines, duplicates, too many rows) and says what is wrong per line; nothing is
stored until `print_letters()`, which makes every code of the run in one transaction (a run that fails
halfway leaves no code) and returns the codes with their addresses for the printed letters alone: the
addresses are never stored, only the number of letters. A household code makes at most
HOUSEHOLD_ACCOUNTS neighbour accounts, never another role, expires after HOUSEHOLD_VALID, is kept only as
a hash, and is tried through the invitation page (throttled as invitation codes are). Reprinting a letter
gives it a new code: the old one is void.

The guided start walks staff through the steps the seed council took: its public page, the letters, the
mapping meeting (challenges as issues, also typed in from paper notes), the proposals meeting (proposals
linked to those challenges), and the council formed (chair, deputy, residents' representatives, mandate,
rhythm), each step a page that can be left and resumed; its state is the council setting START.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from .. import council
from ..auth.sessions import start_session
from ..errors import NotAllowed
from ..extensions import db
from ..forms import by_token
from ..meetings import service as meetings
from ..members import service as members
from ..models import (
    AgendaItem,
    HouseholdCode,
    Issue,
    ItemPhase,
    ItemState,
    LetterRun,
    Meeting,
    Role,
    User,
    audit,
    next_open_meeting,
    search_key,
    utcnow,
)
from ..models.meetings import refresh_search_text
from ..notifications.service import active_members, notify
from ..passwords import hash_password
from ..tokens import code_hash, new_code

HOUSEHOLD_ACCOUNTS = 3
HOUSEHOLD_VALID = timedelta(days=60)
HOUSEHOLD_KEEP = timedelta(days=30)  # an expired code is deleted this long after it expired
MAX_LETTERS = 1000  # one run; a longer list is split
MAX_LINE = 200

# Council settings of the start (declared in naborad/council.py).
START, RUNNING, PUBLIC_PAGE, ALLOW_NON_NEIGHBOUR_CHAIR = ("start", "council_running", "public_page",
                                                          "allow_non_neighbour_chair")
MANDATE = "et trygt bomiljø for alle"


# -- the address list ----------------------------------------------------------------------------

@dataclass
class Preview:
    addresses: list[tuple[int, list[str]]] = field(default_factory=list)  # (line number, address lines)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong); 0: the whole list
    blank: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.addresses)


def decode(raw: bytes) -> str:
    """An uploaded file as text: UTF-8 (with or without a byte-order mark), else Windows-1252 (Excel)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _is_header(fields: list[str]) -> bool:
    return len(fields) >= 1 and fields[0].strip().casefold() in {"adresse", "address", "gateadresse", "navn", "name"}


def preview(text: str) -> Preview:
    """Read a pasted or uploaded list: one address per line, its parts separated by commas or semicolons (as a
    spreadsheet saves it). Blank lines and a header row are skipped; a duplicate, an over-long line, a line too
    short to be an address, or more than MAX_LETTERS addresses are errors, each with its line number."""
    result = Preview()
    text = text.lstrip("\ufeff")
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.replace("\ufeff", "").strip()
        if not line or not line.strip(",; \t"):
            result.blank += 1
            continue
        delimiter = ";" if line.count(";") >= line.count(",") and ";" in line else ","
        fields = [f.strip() for f in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
        parts = [f for f in fields if f]
        if number == 1 and _is_header(parts):
            continue
        if len(line) > MAX_LINE:
            result.errors.append((number, _("Too long for an address (at most %(n)s characters).", n=MAX_LINE)))
            continue
        if len(" ".join(parts)) < 4 or not any(ch.isalpha() for ch in line):
            result.errors.append((number, _("This does not look like an address.")))
            continue
        key = " ".join(" ".join(parts).casefold().split())
        if key in seen:
            result.errors.append((number, _("The same address as line %(line)s.", line=seen[key])))
            continue
        seen[key] = number
        result.addresses.append((number, parts))
    if len(result.addresses) > MAX_LETTERS:
        result.errors.insert(0, (0, _("%(count)s addresses: at most %(max)s letters at a time. Split the list and "
                                      "print it in parts.", count=len(result.addresses), max=MAX_LETTERS)))
    if not result.addresses and not result.errors:
        result.errors.append((0, _("There are no addresses in the list.")))
    return result


@dataclass
class Letter:
    number: int
    address: list[str]
    code: str | None  # None: the letter for the public page, no code
    expires_at: datetime | None


def print_letters(preview_: Preview, by: User, *, form_token: str | None = None,
                  make_code: Callable[[], str] = new_code) -> tuple[LetterRun, list[Letter]]:
    """One run of letters: a code per address, all in one transaction (nothing is kept if one fails). The
    addresses go to the printed letters only; the run keeps their number. A repeated form token prints nothing
    new (returns the first run and no letters). An audit line. Raises NotAllowed for a list with errors.
    Commits."""
    if not preview_.ok:
        raise NotAllowed
    earlier = by_token(LetterRun, form_token)
    if earlier is not None:
        return earlier, []
    expires = utcnow() + HOUSEHOLD_VALID
    try:
        run = LetterRun(letters=len(preview_.addresses), created_by_id=by.id, form_token=form_token)
        db.session.add(run)
        db.session.flush()
        letters = []
        for number, (_line, address) in enumerate(preview_.addresses, start=1):
            code = make_code()
            db.session.add(HouseholdCode(run_id=run.id, number=number, code_hash=code_hash(code), expires_at=expires))
            letters.append(Letter(number, address, code, expires))
        db.session.flush()
        audit("letters_printed", actor=by, detail=f"run #{run.id}: {len(letters)} letters")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return run, letters


def reprint(run: LetterRun, number: int, by: User, *, address: list[str] | None = None) -> Letter:
    """Print one letter of a run again with a new code: its old code is void at once; its 60 days start
    again, the accounts it made still count. An audit line. Raises NotAllowed for a letter that is not in
    the run. Commits."""
    household = db.session.scalar(select(HouseholdCode).where(HouseholdCode.run_id == run.id,
                                                              HouseholdCode.number == number))
    if household is None:
        raise NotAllowed
    code = new_code()
    household.code_hash = code_hash(code)
    household.expires_at = utcnow() + HOUSEHOLD_VALID
    audit("letter_reprinted", actor=by, detail=f"run #{run.id}, letter {number}")
    db.session.commit()
    return Letter(number, address or [], code, household.expires_at)


def runs() -> list[tuple[LetterRun, int, int]]:
    """Every letter run, newest first, with how many accounts its codes made and how many codes still work."""
    result = []
    rows = db.session.scalars(select(LetterRun).order_by(LetterRun.created_at.desc())).all()
    codes = db.session.scalars(select(HouseholdCode).where(HouseholdCode.run_id.in_([r.id for r in rows]))).all()
    now = utcnow()
    for run in rows:
        mine = [c for c in codes if c.run_id == run.id]
        result.append((run, sum(c.accounts_used for c in mine),
                       sum(1 for c in mine if c.expires_at > now and c.accounts_used < HOUSEHOLD_ACCOUNTS)))
    return result


def purge_household_codes(now: datetime) -> int:
    """Delete household codes HOUSEHOLD_KEEP after they expired. Returns how many. Commits."""
    count = db.session.execute(delete(HouseholdCode).where(HouseholdCode.expires_at < now - HOUSEHOLD_KEEP)).rowcount
    db.session.commit()
    return count


# -- a household code at the invitation page ------------------------------------------------------

def open_household(code: str) -> HouseholdCode | None:
    """The household code for this code while it may still make an account, else None."""
    household = db.session.scalar(select(HouseholdCode).where(HouseholdCode.code_hash == code_hash(code)))
    if household is None or household.expires_at <= utcnow() or household.accounts_used >= HOUSEHOLD_ACCOUNTS:
        return None
    return household


def accept_household(household: HouseholdCode, *, username: str, display_name: str, password: str,
                     locale: str) -> User | None:
    """A neighbour account from a household letter (never another role), logged in; staff are notified. At most
    HOUSEHOLD_ACCOUNTS per code, also against several at once: None when the code is used up, expired or
    replaced meanwhile. Commits."""
    taken = db.session.execute(
        update(HouseholdCode).where(HouseholdCode.id == household.id, HouseholdCode.code_hash == household.code_hash,
                                    HouseholdCode.accounts_used < HOUSEHOLD_ACCOUNTS,
                                    HouseholdCode.expires_at > utcnow())
        .values(accounts_used=HouseholdCode.accounts_used + 1).execution_options(synchronize_session=False)).rowcount
    if not taken:
        db.session.rollback()
        return None
    user = User(username=username, display_name=display_name, role=Role.NEIGHBOUR,
                password_hash=hash_password(password), locale=locale)
    db.session.add(user)
    db.session.flush()
    audit("household_code_used", actor=user, target=user, detail=f"run #{household.run_id}")
    notify(active_members(Role.STAFF), "invitation_accepted", "user", user.id, exclude=user)
    start_session(user)
    db.session.commit()
    return user


# -- the guided start --------------------------------------------------------------------------

def state() -> dict:
    return dict(council.setting(START))


def _save(**changes) -> None:
    council.set_setting(START, {**state(), **changes})


def is_running() -> bool:
    return bool(council.setting(RUNNING))


def skip(by: User) -> None:
    """A council already running skips the guided start. An audit line. Commits."""
    council.set_setting(RUNNING, True)
    audit("start_skipped", actor=by)
    db.session.commit()


def public_page() -> dict:
    return {"about": "", "join": "", **council.setting(PUBLIC_PAGE)}


def save_public_page(by: User, *, about: str, join: str) -> None:
    """The neighbourhood's public page: what the facility is, how to join. An audit line. Commits."""
    council.set_setting(PUBLIC_PAGE, {"about": about, "join": join})
    _save(public_page=True)
    audit("public_page_changed", actor=by)
    db.session.commit()


def public_context() -> dict:
    """What the public page shows: no member or resident data (the next open meeting's time and place only)."""
    meeting = next_open_meeting()
    return {"page": public_page(), "mandate": MANDATE,
            "meeting": (meeting.starts_at, meeting.place) if meeting else None}


def letters_printed() -> int:
    return db.session.scalar(select(LetterRun.id).limit(1)) is not None


def meeting_of(step: str) -> Meeting | None:
    meeting_id = state().get(step)
    return db.session.get(Meeting, meeting_id) if meeting_id else None


def schedule_step_meeting(step: str, *, starts_at: datetime, place: str, form_token: str | None) -> Meeting:
    """The mapping ("mapping") or the proposals ("proposals") meeting of the guided start: an ordinary council
    meeting. Commits."""
    meeting, _created = meetings.schedule(starts_at=starts_at, place=place, form_token=form_token)
    _save(**{step: meeting.id})
    db.session.commit()
    return meeting


def _add_item(meeting: Meeting, *, title: str, why: str | None, issue: Issue | None, phase: ItemPhase,
              by: User) -> AgendaItem:
    item = AgendaItem(meeting_id=meeting.id, title=title, why=why, issue_id=issue.id if issue else None,
                      proposer_id=by.id, state=ItemState.ACCEPTED, phase=phase,
                      position=meetings.append_position(meeting.id))
    item.search_text = search_key(title, None)
    db.session.add(item)
    return item


def add_challenge(meeting: Meeting, by: User, *, title: str, body: str, from_paper: bool) -> Issue:
    """A challenge mapped at the mapping meeting: an issue (marked when staff typed it in from paper notes),
    on that meeting's agenda as a "map the challenge" item. Raises NotAllowed when the meeting's agenda is
    closed. Commits."""
    if not meeting.agenda_editable:
        raise NotAllowed
    issue = Issue(title=title, body=body, category="other", author_id=by.id, from_paper=from_paper,
                  search_text=search_key(title, body))
    db.session.add(issue)
    db.session.flush()
    _add_item(meeting, title=title, why=None, issue=issue, phase=ItemPhase.MAP, by=by)
    db.session.commit()
    return issue


def challenges() -> list[Issue]:
    """The challenges of the mapping meeting, in the order they were mapped."""
    meeting = meeting_of("mapping")
    if meeting is None:
        return []
    return db.session.scalars(select(Issue).join(AgendaItem, AgendaItem.issue_id == Issue.id)
                              .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)).all()


def add_proposal(meeting: Meeting, by: User, *, issue: Issue, title: str, why: str | None) -> AgendaItem:
    """A proposal at the proposals meeting, linked to one of the mapped challenges. Commits."""
    if not meeting.agenda_editable or issue is None or issue.id not in {i.id for i in challenges()}:
        raise NotAllowed
    item = _add_item(meeting, title=title, why=why, issue=issue, phase=ItemPhase.PROPOSE, by=by)
    db.session.commit()
    return item


def proposals() -> list[AgendaItem]:
    meeting = meeting_of("proposals")
    if meeting is None:
        return []
    return db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                       AgendaItem.phase == ItemPhase.PROPOSE)
                              .order_by(AgendaItem.position)).all()


def chair_candidates() -> list[User]:
    """Whom the council may elect chair: the active neighbours (and, if the council setting allows it, every
    other active member but staff)."""
    roles = [Role.NEIGHBOUR, Role.CHAIR] + ([Role.RESIDENT] if council.setting(ALLOW_NON_NEIGHBOUR_CHAIR) else [])
    return db.session.scalars(select(User).where(User.is_active_member.is_(True), User.role.in_(roles))
                              .order_by(User.display_name)).all()


def set_chair_rule(by: User, *, allow_non_neighbour: bool) -> None:
    """The council setting: may a member who is not a neighbour (a resident) be elected chair? Off by default.
    An audit line. Commits."""
    council.set_setting(ALLOW_NON_NEIGHBOUR_CHAIR, allow_non_neighbour)
    audit("chair_rule_changed", actor=by, detail=str(allow_non_neighbour).lower())
    db.session.commit()


def residents() -> list[User]:
    return db.session.scalars(select(User).where(User.is_active_member.is_(True), User.role == Role.RESIDENT)
                              .order_by(User.display_name)).all()


RHYTHMS = ("monthly", "six_weeks", "quarterly")


def form_council(by: User, *, chair: User, deputy: User | None, reps: list[User], mandate: str,
                 rhythm: str) -> AgendaItem:
    """The council is formed: the chair (elected among the neighbours; another member only if the council
    setting allows it) and the deputy take their seats through the one role-change service, the residents'
    representatives get their mark, and the election, mandate and rhythm are recorded in the proposals
    meeting's minutes as a decision. The council then counts as running. Raises NotAllowed for a chair who
    may not be elected, a deputy who is the chair, or when the proposals meeting is missing or closed.
    Commits."""
    meeting = meeting_of("proposals")
    candidates = {u.id for u in chair_candidates()}  # by id: UserMixin compares members by their session token
    if (meeting is None or not meeting.agenda_editable or chair.id not in candidates
            or (deputy is not None and (deputy.id == chair.id or deputy.id not in candidates))
            or rhythm not in RHYTHMS or any(rep.role != Role.RESIDENT for rep in reps)):
        raise NotAllowed
    members.change_role(chair, "chair", by=by)
    if deputy is not None:
        members.change_role(deputy, "deputy", by=by)
    for rep in reps:
        if not rep.is_residents_rep:
            members.toggle_residents_rep(rep, by=by)
    decision = _("%(chair)s is elected chair of the neighbourhood council.", chair=chair.display_name)
    if deputy is not None:
        decision += " " + _("%(deputy)s is elected deputy chair.", deputy=deputy.display_name)
    if reps:
        decision += " " + _("Residents' representatives: %(names)s.", names=", ".join(r.display_name for r in reps))
    decision += " " + _("Mandate: %(mandate)s.", mandate=mandate) + " " + _(
        "The council meets %(rhythm)s.", rhythm=rhythm_label(rhythm))
    item = _add_item(meeting, title=_("The council is formed"), why=None, issue=None, phase=ItemPhase.DECIDE, by=by)
    item.decision = decision
    refresh_search_text(item)
    _save(formed=True, mandate=mandate, rhythm=rhythm)
    council.set_setting(RUNNING, True)
    audit("council_formed", actor=by, target=chair)
    db.session.commit()
    return item


def rhythm_label(rhythm: str) -> str:
    return {"monthly": _("once a month"), "six_weeks": _("every six weeks"),
            "quarterly": _("every three months")}.get(rhythm, rhythm)


def steps() -> list[tuple[str, str, bool]]:
    """The guided start's steps: (endpoint, title, done)."""
    done = state()
    return [
        ("start.edit_public_page", _("The neighbourhood's public page"), bool(done.get("public_page"))),
        ("start.letters", _("Invite every household"), letters_printed()),
        ("start.mapping", _("The mapping meeting"), bool(challenges())),
        ("start.proposals", _("The proposals meeting"), bool(proposals())),
        ("start.form", _("Form the council"), bool(done.get("formed"))),
    ]
