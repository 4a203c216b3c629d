"""A generated council of N years for `flask bench-data` and `make bench` (issue 16): the demo council's
logins and contact page, then years of meetings, issues, events, notifications, pre-meetings and reports.

At ten years (the issue's scale; other N scale linearly, one year is a tenth): 120 meetings of 10 agenda
items (4 standing, 6 with minutes and a decision, an action item each), 3,000 issues of 20 replies,
200 events of 40 sign-ups, 20,000 notifications, a pre-meeting before every meeting (items, comments),
800 situation reports. The council has 100 members whatever its age (sign-ups need 40 of them).

Rows go in with bulk INSERTs (naborad.bulk), so the ORM's before_flush does not render user text here:
each row carries its `<field>_html` from naborad.markdown.render_markdown() (the one renderer) and the
searchable `search_text` from models.search_key(), as the services would have written them.

`history=True` makes the demo council's past instead (`flask demo-data`, naborad/cli.py): years that end
where the demo's own year begins, among the demo's members, at a smaller scale (HISTORY) so the demo loads in
well under a second more; everything in it is over (meetings approved, action items done, reports closed),
so nothing in it asks anyone to act. Both give held meetings their attendance per group and the pulse its
rounds of anonymous answers (through the pulse's own tables, as pulse/service.py writes them: no "answered"
marks, which go when a round closes). Titles are Norwegian ("Snømåking på fortauet (mars 2025)") and never
contain a title of the demo's own issues, meetings or events.
"""
import random
from datetime import datetime, timedelta

from babel.dates import format_date
from sqlalchemy import func, insert, select

from .bulk import evening, insert_rows, rendered
from .contact import demo as contact_demo
from .extensions import db
from .i18n import OSLO
from .members import demo as members_demo
from .models import (
    ActionItem,
    AgendaItem,
    AuditEvent,
    ChairSeat,
    ContactPoint,
    Event,
    Issue,
    IssueEvent,
    IssueFollow,
    Meeting,
    MeetingResponse,
    Notification,
    PulseAnswer,
    PulseRound,
    Reply,
    Role,
    Signup,
    SituationReport,
    StaffAlert,
    TaskSlot,
    User,
    VolunteerTask,
    audit,
    search_key,
    utcnow,
)
from .models.meetings import AOB_POSITION
from .models.pulse import random_key
from .passwords import hash_password
from .premeeting import demo as premeeting_demo

# Per ten years; scaled linearly by years / 10.
TEN_YEARS = {"meetings": 120, "issues": 3000, "events": 200, "notifications": 20_000, "reports": 800,
             "pulse_rounds": 40}
# The demo council's past (history=True), per ten years: what a small council does, and quick to load.
HISTORY = {"meetings": 100, "issues": 300, "events": 40, "notifications": 0, "reports": 600, "pulse_rounds": 40}
HISTORY_REPLIES = 3
ITEMS_PER_MEETING = 10  # 4 standing items and 6 topics
REPLIES_PER_ISSUE = 20
SIGNUPS_PER_EVENT = 40  # every fourth with a guest; the last four on the waiting list
PLACES_TAKEN = sum(1 + (k % 4 == 0) for k in range(SIGNUPS_PER_EVENT - 4))  # the events are full
MEMBERS = 100
THREAD_REPLIES = 30  # the newest issue has exactly this many: the bench's thread page

# None of them holds (or is held in) a title of the demo's own issues, agenda items or events, ignoring case:
# a browser test that finds a demo link by its name must find one (tests/test_bench_data.py checks it).
TOPICS = ["Benkene ved lekeplassen", "Snømåking på fortauet", "Sykkelstativet ved porten", "Hærverk på busskuret",
          "Nattero i helgene", "Vaskerommet i kjelleren", "Fartsdumper i boligveien", "Hundelufting i parken",
          "Postkassene ved porten", "Grøntarealet bak blokka", "Fellesgrillen", "Gatelyset ved bussholdeplassen",
          "Røyking ved inngangen", "Vakttelefonen om natta"]
EVENT_TITLES = ["Grillkveld", "Nabolagsquiz", "Høstdugnad", "Juletrefest", "Loppemarked"]
PLACES = ["Bakgården", "Snuplassen", "Gangveien mot skolen", "Containeren ved inngangen", "Lekeplassen",
          "Fellesrommet", "Sykkelstativet", None]
CATEGORIES = ["noise", "traffic", "litter", "safety", "cooperation", "other"]
STATUSES = ["new", "discussing", "agreed", "resolved", "closed"]
HISTORY_STATUSES = ["resolved", "closed", "resolved", "agreed", "closed"]  # the past: mostly settled
REPLY_TEXTS = [
    "Takk for at du tok det opp. Her er **tre** ting jeg har sett:\n\n1. Det skjer mest i helgene\n"
    "2. Det er verst etter kl. 23\n3. Vakta kommer raskt når vi ringer\n\nHilsen nabo {n}",
    "Enig! Vi kan ta det på [neste møte](https://example.org/moter). *Hva tenker dere andre?* ({n})",
    "> Det har blitt bedre den siste uka.\n\nJa, men ikke i går kveld. Jeg ringte vakttelefonen kl. 23.40. ({n})",
    "Kort svar: kommunen har fått beskjed, og vi venter på svar. Jeg følger opp. ({n})",
    "Vi snakket om dette på beboermøtet. Beboerne foreslår faste tider, og at vi henger opp et oppslag "
    "ved inngangen. Det kan vi gjøre selv uten å vente på kommunen. ({n})",
]
ISSUE_TEXTS = [
    "Flere naboer har merket dette den siste tiden. Det er fint at folk er ute, men vi trenger en løsning "
    "som fungerer for alle.\n\nKan vi bli enige om noe?",
    "Det har skjedd flere ganger nå:\n\n- på kvelden\n- i helgene\n- når det er fint vær\n\n"
    "Jeg foreslår at vi tar det opp med **vakta** og kommunen.",
    "Kort fortalt: det fungerer ikke slik det er nå. Se også [kommunens side](https://example.org).",
]
# The generated members after the demo's ten (two of them chairs, in the two seats).
ROLES = [Role.RESIDENT] * 34 + [Role.NEIGHBOUR] * 46 + [Role.STAFF] * 10


def _scaled(key: str, years: int, table: dict = TEN_YEARS) -> int:
    """How many of a kind for `years` years; at least one of every kind the table has any of."""
    return max(1 if table[key] else 0, round(table[key] * years / 10))


def month_year(value: datetime) -> str:
    """"mars 2025": the month in Norwegian, whatever the request's language."""
    return format_date(value.astimezone(OSLO), "MMMM y", locale="nb")


def has_data() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def _members(password: str, rng: random.Random) -> list[User]:
    """The demo logins (beboer, nabo, leder, ansatt, ...) and more members up to MEMBERS, all with `password`;
    members already there by those usernames are kept as they are."""
    existing = {u.username: u for u in db.session.scalars(select(User))}
    if not any(name in existing for name, *_ in members_demo.MEMBERS):
        members_demo.load_demo(password)
        contact_demo.load_demo({u.username: u for u in db.session.scalars(select(User))})
    elif not db.session.scalar(select(func.count()).select_from(ContactPoint)):
        contact_demo.load_demo(existing)
    existing = {u.username: u for u in db.session.scalars(select(User))}
    password_hash = hash_password(password)
    rows = []
    for n in range(len(members_demo.MEMBERS), MEMBERS):
        username = f"medlem{n:03d}"
        if username in existing:
            continue
        role = ROLES[n - len(members_demo.MEMBERS)]
        rows.append({"username": username, "display_name": f"Medlem {n}", "full_name": f"Medlem Nummer {n}",
                     "email": f"{username}@example.org", "phone": None, "role": role, "chair_seat": None,
                     "is_active_member": True, "is_residents_rep": False, "locale": "nb",
                     "password_hash": password_hash,
                     "created_at": utcnow() - timedelta(days=rng.randint(0, 3000))})
    insert_rows(User, rows)
    return db.session.scalars(select(User).order_by(User.id)).all()


def generate(years: int, password: str, seed: int = 16, *, history: bool = False,
             until: datetime | None = None) -> dict[str, int]:
    """Add a council of `years` years to the database (committed); how many rows of each kind. With `history`,
    the past of the council already there (its members, no new ones), ending at `until`."""
    rng = random.Random(seed)
    real_now = utcnow()
    now = until or real_now
    start = now - timedelta(days=365 * years)
    table = HISTORY if history else TEN_YEARS
    users = db.session.scalars(select(User).order_by(User.id)).all() if history else _members(password, rng)
    by_name = {u.username: u for u in users}
    ids = [u.id for u in users]
    staff = [u.id for u in users if u.role == Role.STAFF]
    residents = [u.id for u in users if u.role == Role.RESIDENT]
    chair = by_name.get("leder") or next(u for u in users if u.role == Role.CHAIR)
    if chair.chair_seat is None and db.session.scalar(select(func.count()).select_from(User)
                                                       .where(User.chair_seat == ChairSeat.CHAIR)) == 0:
        chair.chair_seat = ChairSeat.CHAIR
    counts = {"members": len(users)}

    def when(fraction: float) -> datetime:
        return start + (now - start) * fraction

    # -- issues and replies: spread over the years; the newest one has THREAD_REPLIES replies
    n_issues = _scaled("issues", years, table)
    issue_rows, issue_replies = [], []
    for n in range(n_issues):
        created = when((n + 0.5) / (n_issues + 1)) - timedelta(days=3)
        topic, place = TOPICS[n % len(TOPICS)], PLACES[n % len(PLACES)]
        title = f"{topic} ({month_year(created)}, sak {n + 1})"
        body = ISSUE_TEXTS[n % len(ISSUE_TEXTS)]
        count = HISTORY_REPLIES if history else THREAD_REPLIES if n == n_issues - 1 else REPLIES_PER_ISSUE
        last = created + timedelta(hours=3 * count)
        status = "discussing" if n == n_issues - 1 and not history else (HISTORY_STATUSES if history else STATUSES)[n % len(STATUSES)]
        issue_rows.append(rendered(Issue, {
            "title": title[:160], "body": body, "category": CATEGORIES[n % len(CATEGORIES)], "place": place,
            "happened_at": None, "status": status, "status_reason": None, "locked_reason": None,
            "author_id": rng.choice(ids), "created_at": created, "last_activity_at": last, "reply_count": count,
            "search_text": search_key(title, body, place), "form_token": None}))
        issue_replies.append((created, count))
    issue_ids = insert_rows(Issue, issue_rows, returning=True)
    reply_rows, follow_rows, event_rows = [], [], []
    for issue_id, (created, count), row in zip(issue_ids, issue_replies, issue_rows, strict=True):
        for k in range(count):
            body = REPLY_TEXTS[(issue_id + k) % len(REPLY_TEXTS)].format(n=k + 1)
            reply_rows.append(rendered(Reply, {
                "issue_id": issue_id, "author_id": ids[(issue_id * 7 + k) % len(ids)], "body": body,
                "created_at": created + timedelta(hours=3 * (k + 1)), "edited_at": None, "hidden_at": None,
                "hidden_by_id": None, "hidden_reason": None, "form_token": None}))
        follow_rows.append({"issue_id": issue_id, "user_id": row["author_id"], "created_at": created})
        if row["status"] != "new":  # resolved (or closed) some days to weeks after it was raised
            settled = row["status"] in ("resolved", "closed")
            event_rows.append({"issue_id": issue_id, "actor_id": chair.id, "kind": "status",
                               "value": row["status"], "reason": None,
                               "created_at": created + (timedelta(days=3 + issue_id % 40) if settled
                                                        else timedelta(hours=3 * count + 1))})
        if len(reply_rows) >= 2000:
            insert_rows(Reply, reply_rows)
            counts["replies"] = counts.get("replies", 0) + len(reply_rows)
            reply_rows = []
    insert_rows(Reply, reply_rows)
    counts["replies"] = counts.get("replies", 0) + len(reply_rows)
    insert_rows(IssueFollow, follow_rows)
    insert_rows(IssueEvent, event_rows)
    counts["issues"] = n_issues

    # -- meetings: monthly, the last one planned 12 days ahead with proposals; all before it approved but the
    # latest held one
    n_meetings = _scaled("meetings", years, table)
    meeting_rows = []
    for n in range(n_meetings):
        upcoming, held_only = (False, False) if history else (n == n_meetings - 1, n == n_meetings - 2)
        starts = evening(now + timedelta(days=12)) if upcoming else evening(when((n + 0.5) / n_meetings))
        status = "planned" if upcoming else "held" if held_only else "approved"
        meeting_rows.append({
            "starts_at": starts, "place": "Fellesrommet på botiltaket", "video_url": None, "status": status,
            "cancel_message": None, "current_item_id": None,
            "published_at": None if upcoming else starts - timedelta(days=7),
            "approved_at": starts + timedelta(days=3) if status == "approved" else None,
            "approved_by_id": chair.id if status == "approved" else None,
            "created_at": starts - timedelta(days=20), "form_token": None,
            # Who came, per group (counted at the meeting): none recorded for one that has not been held.
            "attended_neighbours": None if upcoming else 6 + n % 5, "attended_residents": None if upcoming else
            2 + (n * 7) % 4, "attended_staff": None if upcoming else 1 + n % 3})
    meeting_ids = insert_rows(Meeting, meeting_rows, returning=True)
    item_rows = []
    standing = [("agenda", 0), ("minutes", 1), ("actions", 2), ("aob", AOB_POSITION)]
    for meeting_id, meeting in zip(meeting_ids, meeting_rows, strict=True):
        upcoming = meeting["status"] == "planned"
        for kind, position in standing:
            item_rows.append(_item(meeting_id, meeting, title=kind, standing=kind, position=position))
        for k in range(ITEMS_PER_MEETING - len(standing)):
            topic = TOPICS[(meeting_id + k) % len(TOPICS)]
            if upcoming and k >= 3:  # proposals waiting for the chair
                item_rows.append(_item(meeting_id, meeting, title=f"Forslag: {topic}", state="proposed",
                                       why="Dette bør vi snakke om. Flere naboer har spurt.",
                                       proposer_id=rng.choice(ids)))
                continue
            decision = None if upcoming else f"Naborådet vedtok å følge opp «{topic.lower()}» med kommunen."
            item_rows.append(_item(
                meeting_id, meeting, title=topic, position=3 + k, phase=["map", "propose", "decide"][k % 3],
                minutes_planned=15, proposer_id=rng.choice(ids), decision=decision,
                notes=None if upcoming else "Naboer og beboere fortalte hvordan de opplever det.\n\n"
                                              "- Det er **bedre** enn i fjor\n- Vakta er rask",
                issue_id=issue_ids[(meeting_id * 25 + k) % len(issue_ids)], concerns_residents=k == 0 and not history))
    item_ids = insert_rows(AgendaItem, item_rows, returning=True)
    action_rows = []
    for item_id, item in zip(item_ids, item_rows, strict=True):
        if item["decision"]:
            meeting_start = item["created_at"] + timedelta(days=20)
            due = meeting_start + timedelta(days=30)
            done = history or due < now - timedelta(days=40) or item_id % 3 == 0
            late = item_id % 4 == 0  # a quarter done a week late
            assignee = rng.choice(ids)
            action_rows.append({
                "agenda_item_id": item_id, "meeting_id": item["meeting_id"],
                "what": f"Følge opp: {item['title']}", "assignee_id": assignee, "assignee_name": None,
                "due": due.date(), "done_at": (due + timedelta(days=7) if late else due - timedelta(days=2))
                if done else None,
                "done_note": "Gjort." if done else None, "done_by_id": assignee if done else None,
                "created_at": meeting_start, "form_token": None})
    insert_rows(ActionItem, action_rows)
    rsvp_rows = [{"meeting_id": meeting_id, "user_id": user_id, "answer": ["yes", "no", "maybe"][user_id % 3],
                  "updated_at": meeting["starts_at"] - timedelta(days=3)}
                 for meeting_id, meeting in zip(meeting_ids, meeting_rows, strict=True) for user_id in ids[:20]]
    if not history:
        insert_rows(MeetingResponse, rsvp_rows)
    counts.update(meetings=n_meetings, agenda_items=len(item_rows), action_items=len(action_rows))
    counts["pulse_answers"] = _pulse(meeting_rows, _scaled("pulse_rounds", years, table), users, now, rng)

    # -- a residents' pre-meeting five days before every meeting (written by the pre-meeting feature's own
    # generator: only outflows.py may bring pre-meeting data to council rows, and none goes here)
    if not history:
        counts.update(premeeting_demo.generate(
            [(meeting_id, meeting["starts_at"], meeting["created_at"])
             for meeting_id, meeting in zip(meeting_ids, meeting_rows, strict=True)], residents, TOPICS, rng, now))
        if "beboer" in by_name:
            by_name["beboer"].is_residents_rep = True

    # -- events: spread over the years, the last two ahead; 40 sign-ups each (the last 4 on the waiting list)
    n_events = _scaled("events", years, table)
    event_rows = []
    for n in range(n_events):
        ahead = n >= n_events - 2 and not history
        starts = evening(now + timedelta(days=20 + 30 * (n - n_events + 2)), 15) if ahead else \
            evening(when((n + 0.5) / n_events), 15)
        event_rows.append(rendered(Event, {
            "title": f"{EVENT_TITLES[n % len(EVENT_TITLES)]} {starts.year}",
            "description": "Grilling, kaker og leker for barna. **Alle** er velkomne!\n\nTa med noe å sitte på.",
            "place": "Bakgården ved botiltaket", "starts_at": starts, "ends_at": starts + timedelta(hours=4),
            "capacity": PLACES_TAKEN, "signup_deadline": starts - timedelta(days=2), "max_guests": 2,
            "ask_dietary": n % 2 == 0, "show_participants": n % 3 == 0, "cancelled_at": None,
            "dietary_purged_at": None if ahead else starts + timedelta(days=30), "created_by_id": chair.id,
            "created_at": starts - timedelta(days=40), "updated_at": starts - timedelta(days=40),
            "form_token": None}))
    event_ids = insert_rows(Event, event_rows, returning=True)
    signup_rows, task_rows = [], []
    for event_id, event in zip(event_ids, event_rows, strict=True):
        for k, user_id in enumerate(ids[:SIGNUPS_PER_EVENT] if not history else ids[:(event_id % 5) + 4]):
            signup_rows.append({
                "event_id": event_id, "user_id": user_id, "name": None, "guests": 1 if k % 4 == 0 else 0,
                "dietary_note": "Vegetar" if k % 7 == 0 and event["dietary_purged_at"] is None else None,
                "status": "waitlisted" if k >= SIGNUPS_PER_EVENT - 4 else "confirmed",
                "created_at": event["created_at"] + timedelta(hours=k), "updated_at": event["created_at"],
                "promoted_at": None, "added_by_id": None, "form_token": None})
        task_rows += [{"event_id": event_id, "title": title, "slots": slots, "position": position}
                      for position, (title, slots) in enumerate((("Grille", 2), ("Bake kake", 4)), 1)]
    insert_rows(Signup, signup_rows)
    task_ids = insert_rows(VolunteerTask, task_rows, returning=True)
    insert_rows(TaskSlot, [{"task_id": task_id, "user_id": ids[(task_id + s) % len(ids)], "created_at": now}
                       for task_id in task_ids for s in range(2)])
    counts.update(events=n_events, signups=len(signup_rows))

    # -- notifications: about issues, meetings and events, spread over every member and the years
    n_notes = _scaled("notifications", years, table)
    subjects = ([("issue_reply", "issue", i) for i in issue_ids] + [("minutes_approved", "meeting", m)
                                                                    for m in meeting_ids]
                + [("event_new", "event", e) for e in event_ids])
    # The four demo logins (the bench's roles) get a tenth each, so their lists have more than a page at one
    # year as at ten; the rest is spread over every member.
    logins = [by_name[name].id for name in ("beboer", "nabo", "leder", "ansatt") if name in by_name]
    readers = logins * 15 + ids  # with four logins and 100 members: 16 of every 160 each
    insert_rows(Notification, [{
        "user_id": readers[n % len(readers)], "kind": subjects[n % len(subjects)][0],
        "subject_type": subjects[n % len(subjects)][1], "subject_id": subjects[n % len(subjects)][2],
        "created_at": when(n / n_notes), "read_at": None if n >= n_notes - 300 else when(n / n_notes),
        "mail_mode": "off", "digested_at": None} for n in range(n_notes)])
    counts["notifications"] = n_notes

    # -- situation reports: all closed but the newest two
    n_reports = _scaled("reports", years, table)
    report_rows = []
    for n in range(n_reports):
        created = when((n + 0.5) / (n_reports + 1))
        still_open = n >= n_reports - 2 and not history
        # Acknowledged within 15 minutes, but every seventh after an hour and a half (past the target).
        wait = timedelta(minutes=90 if n % 7 == 0 else 15)
        report_rows.append({
            "category": ["noise", "litter", "unwell", "damage", "threat", "other"][n % 6],
            "text": "Høy musikk fra bakgården etter midnatt.", "place": PLACES[n % len(PLACES)],
            "happened_at": created, "reporter_id": None if history else ids[n % len(ids)], "contact_way": "in_app",
            "contact_detail": None, "status": "new" if still_open else "closed", "created_at": created,
            "acknowledged_at": None if still_open else created + wait,
            "acknowledged_by_id": None if still_open else staff[n % len(staff)],
            "response": None if still_open else "Takk for at du sa fra. Vakta har vært der.",
            "responded_at": None if still_open else created + wait + timedelta(minutes=10),
            "closed_at": None if still_open else created + timedelta(hours=3),
            "closed_by_id": None if still_open else staff[0],
            "outcome": None if still_open else "Vakta snakket med de det gjaldt.", "purged_at": None,
            "form_token": None})
    report_ids = insert_rows(SituationReport, report_rows, returning=True)
    if not history:
        insert_rows(StaffAlert, [{"user_id": user_id, "report_id": report_id, "created_at": now, "seen": False}
                                 for report_id in report_ids[-2:] for user_id in staff])
    counts["reports"] = n_reports

    if history:  # key people over the years: a new deputy, then a handover of the chair (no names)
        insert_rows(AuditEvent, [
            {"action": "role_changed", "detail": detail, "at": start + timedelta(days=days), "actor_id": None,
             "target_user_id": None}
            for year in range(years) for detail, days in (
                ("neighbour -> deputy", 365 * year + 120), ("chair -> neighbour (handover)", 365 * year + 250),
                ("deputy -> chair", 365 * year + 250))])
    audit("demo_history_loaded" if history else "bench_data_loaded", detail=f"{years} years")
    db.session.commit()
    return counts


def _pulse(meeting_rows: list[dict], n_rounds: int, users: list[User], now: datetime, rng) -> int:
    """Closed pulse rounds spread over the meetings (a round after every few held meetings), each with anonymous
    answers from part of every group: rows of the round, the group and the values under a random key, in the
    order of their keys (pulse/service.py `_rewrite`), and no "answered" marks (deleted once a round closes).
    The answers drift a little upwards over the years, as a council that works would hope. Returns the
    number of answers."""
    held = [m for m in meeting_rows if m["status"] != "planned"]
    if not held or not n_rounds:
        return 0
    n_rounds = min(n_rounds, len(held))
    chosen = [held[round(i * (len(held) - 1) / max(1, n_rounds - 1))] for i in range(n_rounds)]  # evenly spread
    groups = {"neighbours": 0, "residents": 0, "staff": 0}
    for u in users:
        groups[{Role.RESIDENT: "residents", Role.STAFF: "staff"}.get(u.role, "neighbours")] += 1
    answers = 0
    for k, meeting in enumerate(chosen):
        opened = meeting["starts_at"] + timedelta(days=1)
        if opened + timedelta(days=14) > now:
            continue
        round_id = db.session.scalar(insert(PulseRound).returning(PulseRound.id), {
            "opened_at": opened, "closes_at": opened + timedelta(days=14), "meeting_id": None})
        lift = k / max(1, n_rounds - 1)  # 0 .. 1 over the rounds
        rows = []
        for group, members in groups.items():
            for _n in range(max(0, members - rng.randint(0, 1))):
                def value(base):
                    v = round(base + lift + rng.uniform(-1.2, 1.2))
                    return None if rng.random() < 0.04 else min(5, max(1, v))
                rows.append({"key": random_key(), "round_id": round_id, "group": group, "safe": value(3.2),
                             "heard": value(3.0), "relations": value(2.8)})
        db.session.execute(insert(PulseAnswer), sorted(rows, key=lambda r: r["key"]))
        answers += len(rows)
    return answers


def _item(meeting_id: int, meeting: dict, *, title: str, standing: str | None = None, position: int = 0,
          state: str = "accepted", **values) -> dict:
    row = {"meeting_id": meeting_id, "title": title, "why": None, "issue_id": None, "proposer_id": None,
           "from_premeeting": False, "state": state, "decline_reason": None, "standing": standing,
           "position": position, "minutes_planned": None, "phase": None, "carried_from_id": None, "notes": None,
           "decision": None, "concerns_residents": False, "residents_heard": False, "residents_summary": None,
           "created_at": meeting["created_at"], "form_token": None}
    row.update(values)
    row["search_text"] = search_key(row["title"], row["decision"])
    return rendered(AgendaItem, row)
