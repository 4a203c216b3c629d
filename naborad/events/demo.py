"""Demo events: last summer's party, the Christmas party and the spring dugnad, with sign-ups and tasks."""
from datetime import datetime, timedelta

from ..extensions import db
from ..i18n import OSLO
from ..models import Event, Signup, SignupStatus, TaskSlot, VolunteerTask, utcnow


def _at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def _next(month, day, now):
    """The year of the next such date from now (this year or next)."""
    year = now.year if (now.month, now.day) < (month, day) else now.year + 1
    return year


def load_demo(users) -> None:
    now = utcnow().astimezone(OSLO)
    organiser = users["leder"]

    # Last summer's party: past, so it can be copied as a template for next year.
    summer_year = now.year if (now.month, now.day) > (6, 21) else now.year - 1
    summer = Event(
        title="Sommerfest i bakgården", place="Bakgården ved botiltaket",
        description="Grilling, kaker og leker for barna. Naboer, beboere og ansatte er velkomne!\n\n"
                    "Ta gjerne med noe til å sitte på.",
        starts_at=_at(summer_year, 6, 20, 15), ends_at=_at(summer_year, 6, 20, 20),
        signup_deadline=_at(summer_year, 6, 17, 23, 59), capacity=60, max_guests=3, ask_dietary=True,
        show_participants=True, created_by_id=organiser.id, created_at=utcnow() - timedelta(days=200))
    # Christmas party: coming up, nearly full, with a waiting list.
    xmas_year = _next(12, 12, now)
    xmas = Event(
        title="Julefest i fellesrommet", place="Fellesrommet, Eksempelveien 12",
        description="Grøt, pepperkaker og gang rundt juletreet. Nissen kommer kanskje innom.\n\n"
                    "Si fra om allergier, så lager vi mat alle kan spise.",
        starts_at=_at(xmas_year, 12, 12, 17), ends_at=_at(xmas_year, 12, 12, 20),
        signup_deadline=_at(xmas_year, 12, 9, 23, 59), capacity=12, max_guests=2, ask_dietary=True,
        created_by_id=users["ansatt"].id)
    # The spring dugnad: no limit, many hands.
    dugnad_year = _next(4, 24, now)
    dugnad = Event(
        title="Vårdugnad i nabolaget", place="Oppmøte ved containeren",
        description="Vi rydder søppel langs gangveien, raker plenen og maler benkene. "
                    "Botiltaket spanderer pølser og kaffe etterpå.",
        starts_at=_at(dugnad_year, 4, 24, 10), ends_at=_at(dugnad_year, 4, 24, 14),
        max_guests=4, show_participants=True, created_by_id=organiser.id)
    db.session.add_all([summer, xmas, dugnad])
    db.session.flush()

    for event, tasks in ((summer, [("Grille", 2), ("Bake kake", 4), ("Sette opp bord", 3), ("Rydde etterpå", 4)]),
                         (xmas, [("Koke grøt", 1), ("Pynte juletreet", 2), ("Rydde etterpå", 3)]),
                         (dugnad, [("Ta med river og hansker", 2), ("Male benkene", 3), ("Grille pølser", 1)])):
        for position, (title, slots) in enumerate(tasks, 1):
            event.tasks.append(VolunteerTask(title=title, slots=slots, position=position))
    db.session.flush()

    def add(event, username, guests=0, note=None, status=SignupStatus.CONFIRMED):
        db.session.add(Signup(event_id=event.id, user_id=users[username].id, guests=guests, dietary_note=note,
                              status=status))

    # The summer party is long past: its dietary notes are already deleted.
    for username, guests in (("beboer", 0), ("nabo", 2), ("leder", 1), ("ansatt", 0), ("nabo2", 3),
                             ("beboer2", 0), ("nabo3", 2)):
        add(summer, username, guests)
    summer.dietary_purged_at = utcnow() - timedelta(days=100)
    db.session.add(Signup(event_id=summer.id, name="Gunnhild fra nr. 14", guests=1, status=SignupStatus.CONFIRMED,
                          added_by_id=organiser.id))

    add(xmas, "nabo", 2, "Glutenfri")
    add(xmas, "beboer", 0, "Vegetar")
    add(xmas, "leder", 1)
    add(xmas, "nabo2", 2, "Nøtteallergi")
    add(xmas, "ansatt", 0)
    add(xmas, "beboer2", 1, "Vegetar")
    db.session.flush()
    add(xmas, "nabo3", 2, status=SignupStatus.WAITLISTED)
    add(xmas, "beboer3", 0, "Laktosefri", status=SignupStatus.WAITLISTED)

    for username, guests in (("nabo", 1), ("beboer", 0), ("nestleder", 0), ("ansatt2", 0)):
        add(dugnad, username, guests)
    db.session.flush()

    def take(event, position, username):
        db.session.add(TaskSlot(task_id=event.tasks[position].id, user_id=users[username].id))
    take(summer, 0, "nabo")
    take(summer, 1, "nabo2")
    take(summer, 1, "beboer")
    take(xmas, 0, "ansatt")
    take(xmas, 1, "beboer2")
    take(dugnad, 1, "nabo")
    take(dugnad, 2, "ansatt2")
    db.session.flush()
