"""The rules of the neighbourhood pulse (issue 20, item 1): when a round opens, answering once, anonymously,
what the results may show, and the retention of the free text.

Rounds: one opens after each council meeting marked held (`after_meeting`, called by
meetings.service.mark_held) and, otherwise, at most once a quarter (`quarterly`, a daily job opens one when
none opened in the last three months); a round stays open OPEN_FOR (14 days), and no round opens while one
is open. Every active member is told in the app (a neutral line, no mail unless they chose it).

Answering (`answer`) writes the member's "answered" mark and the anonymous answer in one transaction,
under a lock on the round: nobody answers twice, also on a double click. It writes no audit row and no log
line, and the answer page does not update the session's last-seen time (auth/sessions.py). See
models/pulse.py for why nothing in the database can join an answer to its member.

Results (`results`) cover closed rounds only (an open round's figures would change as each member answers,
and whoever saw someone answer could tell their answer by the difference). A round shows per group only
when every group that answered has at least MIN_ANSWERS answers, otherwise "all" only, and nothing when
"all" has fewer; a question's average needs MIN_ANSWERS answers other than "don't know".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import format_decimal
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..charts import Point, geometry
from ..extensions import db
from ..i18n import datetime_filter
from ..models import (
    Meeting,
    PulseAnswer,
    PulseAnswered,
    PulseComment,
    PulseGroup,
    PulseRound,
    Role,
    User,
    utcnow,
)
from ..models.pulse import random_key
from ..notifications.service import active_members, notify
from ..reports.service import subtract_months

OPEN_FOR = timedelta(days=14)
QUARTER_MONTHS = 3  # a round opens by itself when none opened in this many months
COMMENT_RETENTION_MONTHS = 12  # the free-text lines are deleted this long after their round opened
MIN_ANSWERS = 5  # a group (or "all") is shown only with at least this many answers
QUESTIONS = ("safe", "heard", "relations")
SCALE = (1, 2, 3, 4, 5)  # worded in pulse/forms.py; None is "don't know"
SHOWN_ROUNDS = 12  # results and the trend: the last twelve closed rounds
GROUP_OF = {Role.RESIDENT: PulseGroup.RESIDENTS, Role.NEIGHBOUR: PulseGroup.NEIGHBOURS,
            Role.CHAIR: PulseGroup.NEIGHBOURS, Role.STAFF: PulseGroup.STAFF}


def group_of(user: User) -> PulseGroup:
    return GROUP_OF[user.role]


# -- rounds -------------------------------------------------------------------------------

def open_round(now: datetime | None = None) -> PulseRound | None:
    """The round open now, if any."""
    now = now or utcnow()
    return db.session.scalar(select(PulseRound).where(PulseRound.opened_at <= now, PulseRound.closes_at > now)
                             .order_by(PulseRound.opened_at.desc()).limit(1))


def start_round(*, meeting: Meeting | None = None, now: datetime | None = None) -> PulseRound | None:
    """Open a round now unless one is open (that round covers this occasion too); tell every active member in
    the app. Returns the new round or None. Does not commit (the caller's change does)."""
    now = now or utcnow()
    if open_round(now) is not None:
        return None
    round_ = PulseRound(opened_at=now, closes_at=now + OPEN_FOR, meeting_id=meeting.id if meeting else None)
    db.session.add(round_)
    db.session.flush()
    notify(active_members(), "pulse_round", "pulse", round_.id)
    return round_


def after_meeting(meeting: Meeting, now: datetime | None = None) -> PulseRound | None:
    """A council meeting was held: a round opens (unless one is open). Called by meetings.service.mark_held,
    in its transaction."""
    if db.session.scalar(select(PulseRound.id).where(PulseRound.meeting_id == meeting.id)) is not None:
        return None
    return start_round(meeting=meeting, now=now)


def quarterly(now: datetime | None = None) -> PulseRound | None:
    """The daily job: a round opens when none opened in the last three months. Commits."""
    now = now or utcnow()
    since = subtract_months(now, QUARTER_MONTHS)
    if db.session.scalar(select(PulseRound.id).where(PulseRound.opened_at > since).limit(1)) is not None:
        return None
    round_ = start_round(now=now)
    db.session.commit()
    return round_


# -- answering ----------------------------------------------------------------------------

def has_answered(round_: PulseRound, user: User) -> bool:
    return db.session.scalar(select(PulseAnswered.key).where(PulseAnswered.round_id == round_.id,
                                                             PulseAnswered.user_id == user.id)) is not None


def _rewrite(model, round_id: int, new: dict) -> None:
    """Add `new` to the round's rows of `model` by writing them all anew in the order of their random keys,
    so neither the storage order nor the writing transaction tells which row came last (models/pulse.py)."""
    columns = [c.key for c in model.__table__.columns]
    rows = [dict(r._mapping) for r in db.session.execute(
        select(*[getattr(model, c) for c in columns]).where(model.round_id == round_id))]
    db.session.execute(delete(model).where(model.round_id == round_id))
    rows.append({"key": random_key(), "round_id": round_id, **new})
    db.session.execute(insert(model), sorted(rows, key=lambda r: r["key"]))


def answer(round_: PulseRound, by: User, *, safe: int | None, heard: int | None, relations: int | None,
           comment: str | None = None, now: datetime | None = None) -> bool:
    """The member answers the round once: their "answered" mark, the anonymous answer (group and values) and
    the free-text line apart from it, in one transaction under a lock on the round. A second answer (a double
    click, another tab) changes nothing. Returns whether this answer was taken. No audit row, no log line.
    Commits."""
    now = now or utcnow()
    locked = db.session.get(PulseRound, round_.id, with_for_update=True, populate_existing=True)
    if locked is None or not (locked.opened_at <= now < locked.closes_at) or has_answered(locked, by):
        db.session.rollback()
        return False
    try:
        db.session.add(PulseAnswered(round_id=locked.id, user_id=by.id))
        db.session.flush()
    except IntegrityError:  # answered in another request at the same moment
        db.session.rollback()
        return False
    _rewrite(PulseAnswer, locked.id, {"group": group_of(by).value, "safe": safe, "heard": heard,
                                      "relations": relations})
    if comment:
        _rewrite(PulseComment, locked.id, {"text": comment})
    db.session.commit()
    return True


# -- results ------------------------------------------------------------------------------

@dataclass
class Figures:
    n: int
    means: dict  # question -> average 1-5, or None (fewer than MIN_ANSWERS answers other than "don't know")


@dataclass
class RoundResult:
    round: PulseRound
    all: Figures | None  # None: fewer than MIN_ANSWERS answers, nothing is shown
    groups: dict = field(default_factory=dict)  # PulseGroup -> Figures, only when every answering group may show

    @property
    def name(self) -> str:
        return datetime_filter(self.round.opened_at, "d. MMM y")


def _figures(counts: list) -> Figures:
    n = sum(c["n"] for c in counts)
    means = {}
    for q in QUESTIONS:
        answered = sum(c[q + "_n"] for c in counts)
        means[q] = sum(c[q + "_sum"] for c in counts) / answered if answered >= MIN_ANSWERS else None
    return Figures(n, means)


def results(now: datetime | None = None, *, opened_from: datetime | None = None,
            opened_before: datetime | None = None) -> list[RoundResult]:
    """The last SHOWN_ROUNDS closed rounds, oldest first, with what each may show; or, with `opened_from` and
    `opened_before` (the yearly report), every closed round opened between them. Two queries."""
    now = now or utcnow()
    query = select(PulseRound).where(PulseRound.closes_at <= now).order_by(PulseRound.opened_at.desc())
    if opened_from is not None and opened_before is not None:
        query = query.where(PulseRound.opened_at >= opened_from, PulseRound.opened_at < opened_before)
    else:
        query = query.limit(SHOWN_ROUNDS)
    rounds = list(reversed(db.session.scalars(query).all()))
    if not rounds:
        return []
    columns = [func.count().label("n")]
    for q in QUESTIONS:
        column = getattr(PulseAnswer, q)
        columns += [func.count(column).label(q + "_n"), func.coalesce(func.sum(column), 0).label(q + "_sum")]
    rows = db.session.execute(select(PulseAnswer.round_id, PulseAnswer.group, *columns)
                              .where(PulseAnswer.round_id.in_([r.id for r in rounds]))
                              .group_by(PulseAnswer.round_id, PulseAnswer.group)).all()
    by_round: dict[int, dict] = {}
    for row in rows:
        by_round.setdefault(row.round_id, {})[row.group] = dict(row._mapping)
    result = []
    for round_ in rounds:
        groups = by_round.get(round_.id, {})
        everyone = _figures(list(groups.values()))
        if everyone.n < MIN_ANSWERS:
            result.append(RoundResult(round_, None))
            continue
        per_group = {}
        # Groups only when each group that answered may be shown: no group can be worked out by subtraction.
        if len(groups) > 1 and all(g["n"] >= MIN_ANSWERS for g in groups.values()):
            per_group = {PulseGroup(name): _figures([g]) for name, g in sorted(groups.items())}
        result.append(RoundResult(round_, everyone, per_group))
    return result


def average(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, format="0.0")


def trend(rounds: list[RoundResult]) -> dict:
    """One line chart per question over the rounds: the average of "all" (1-5), for the chart macro."""
    charts = {}
    for q in QUESTIONS:
        points = []
        for r in rounds:
            value = r.all.means[q] if r.all is not None else None
            points.append(Point(datetime_filter(r.round.opened_at, "MMM"), r.name, value, average(value)))
        charts[q] = geometry(points, kind="line", peak=5.5)
    return charts


# -- the free text (staff) and retention --------------------------------------------------

def comments():
    """The free-text lines for staff: newest round first; within a round in the order of their random keys
    (never in the order they were written). A select for paging."""
    return (select(PulseComment.text, PulseRound.opened_at).join(PulseRound)
            .order_by(PulseRound.opened_at.desc(), PulseComment.key))


def purge(now: datetime | None = None) -> tuple[int, int]:
    """Retention: the "answered" marks of closed rounds go (they only stop a second answer), and the free-text
    lines of rounds opened more than COMMENT_RETENTION_MONTHS ago. Returns (marks, lines). Commits."""
    now = now or utcnow()
    closed = select(PulseRound.id).where(PulseRound.closes_at <= now)
    old = select(PulseRound.id).where(PulseRound.opened_at < subtract_months(now, COMMENT_RETENTION_MONTHS))
    marks = db.session.execute(delete(PulseAnswered).where(PulseAnswered.round_id.in_(closed))).rowcount
    lines = db.session.execute(delete(PulseComment).where(PulseComment.round_id.in_(old))).rowcount
    db.session.commit()
    return marks, lines


def export(user: User) -> dict:
    """The member's part of the data export: the open rounds they answered (the marks of closed rounds are
    deleted); their answers themselves are anonymous and cannot be found, so they are not in it."""
    rounds = db.session.scalars(select(PulseAnswered.round_id).where(PulseAnswered.user_id == user.id)).all()
    return {"rounds_answered": list(rounds),
            "answers": "Pulse answers are anonymous: they are stored without your name, so they cannot be "
                       "found or exported."}
