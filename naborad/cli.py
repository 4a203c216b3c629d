"""Command-line tools: create-user, demo-data, send-mail."""
import os
import sys

import click
from sqlalchemy import func, select

from .extensions import db
from .models import ChairSeat, ContactPoint, Role, User, audit

DEMO_PASSWORD = "naborad-demo-2026"


def register_cli(app):
    @app.cli.command("create-user")
    @click.option("--role", type=click.Choice([r.value for r in Role] + ["deputy"]), required=True)
    @click.option("--username", required=True)
    @click.option("--name", "display_name", required=True, help="Display name other members see.")
    @click.option("--email", default=None)
    def create_user(role, username, display_name, email):
        """Create a member; the password is prompted (or read from stdin)."""
        from .members.service import NotAllowed, create_member
        from .passwords import MAX_LENGTH, MIN_LENGTH, hash_password, is_common
        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\n")
        if not MIN_LENGTH <= len(password) <= MAX_LENGTH or is_common(password):
            raise click.ClickException(f"The password must be {MIN_LENGTH}-{MAX_LENGTH} characters and not common.")
        try:
            user = create_member(username=username, display_name=display_name, email=email, choice=role,
                                 password_hash=hash_password(password))
        except NotAllowed as refused:
            raise click.ClickException(str(refused)) from None
        click.echo(f"Created {user.username} ({role}).")

    @app.cli.command("demo-data")
    @click.option("--password", default=None, help=f"Password for every demo login (default {DEMO_PASSWORD}).")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has members.")
    def demo_data(password, if_empty):
        """Load the demo council "Naborådet i Eksempelveien"."""
        if db.session.scalar(select(func.count()).select_from(User)):
            if if_empty:
                click.echo("The database has members already; no demo data loaded.")
                return
            raise click.ClickException("The database has members already.")
        password = password or os.environ.get("NABORAD_DEMO_PASSWORD") or DEMO_PASSWORD
        load_demo_data(password)
        click.echo(f"Demo council loaded. Logins: beboer, nabo, leder, ansatt (password: {password}).")

    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Reminders for tomorrow's meetings and events, and for action items due or overdue (idempotent)."""
        from .notifications.jobs import send_reminders
        click.echo(f"{send_reminders()} reminder(s) sent.")

    @app.cli.command("send-digests")
    def send_digests_command():
        """The daily digest mail: one per member with anything waiting; nothing if empty."""
        from .notifications.jobs import send_digests
        click.echo(f"{send_digests()} digest(s) queued.")

    @app.cli.command("send-mail")
    @click.option("--loop", is_flag=True, help="Keep running and send as mail arrives.")
    @click.option("--interval", default=5.0, help="Seconds between rounds with --loop.")
    def send_mail(loop, interval):
        """Send the mail waiting in the outbox."""
        from .mail import run_worker
        run_worker(loop, interval)


DEMO_MEMBERS = [
    # username, display name, full name, role, seat
    ("beboer", "Kari", "Kari Nordmann", Role.RESIDENT, None),
    ("nabo", "Per", "Per Hansen", Role.NEIGHBOUR, None),
    ("leder", "Ingrid", "Ingrid Berg", Role.CHAIR, ChairSeat.CHAIR),
    ("ansatt", "Ola (botiltaket)", "Ola Johansen", Role.STAFF, None),
    ("nestleder", "Sverre", "Sverre Lie", Role.CHAIR, ChairSeat.DEPUTY),
    ("nabo2", "Aisha", "Aisha Khan", Role.NEIGHBOUR, None),
    ("nabo3", "Bjørn", "Bjørn Ødegård", Role.NEIGHBOUR, None),
    ("beboer2", "Tom", "Tom Andersen", Role.RESIDENT, None),
    ("beboer3", "Lise", "Lise Mikkelsen", Role.RESIDENT, None),
    ("ansatt2", "Hanne (botiltaket)", "Hanne Solberg", Role.STAFF, None),
]

DEMO_CONTACTS = [
    ("Botiltaket, vakttelefon (hele døgnet)", "+47 32 00 00 00", "vakt@example.org", "Hele døgnet", None),
    ("Virksomhetsleder, Senter for rusforebygging", "+47 32 00 00 01", "leder.botiltak@example.org",
     "Hverdager 08–15.30", None),
    ("Kommunens servicetorg", "+47 32 00 00 02", None, "Hverdager 08–15", None),
    ("Brann", "110", None, None, "Ved brann eller røyk."),
    ("Politi", "112", None, None, "Når noen er i fare eller det skjer en forbrytelse nå."),
    ("Ambulanse", "113", None, None, "Når noen er syke eller skadet og trenger hjelp med en gang."),
]


def load_demo_data(password: str) -> None:
    from .passwords import hash_password
    password_hash = hash_password(password)
    for username, display, full, role, seat in DEMO_MEMBERS:
        email = f"{username}@example.org" if not username.endswith(("2", "3")) else None
        db.session.add(User(username=username, display_name=display, full_name=full, email=email,
                            role=role, chair_seat=seat, password_hash=password_hash, locale="nb"))
    for position, (label, phone, email, hours, note) in enumerate(DEMO_CONTACTS):
        db.session.add(ContactPoint(position=position, label=label, phone=phone, email=email,
                                    hours=hours, note=note))
    db.session.flush()
    load_demo_issues()
    from .meetings import demo as meetings_demo  # a year of meetings, the next one planned (issue 5)
    meetings_demo.load_demo({u.username: u for u in db.session.scalars(select(User))})
    from .premeeting import demo as premeeting_demo  # the residents' pre-meeting before it (issue 6)
    premeeting_demo.load_demo({u.username: u for u in db.session.scalars(select(User))})
    from .reports import demo as reports_demo  # contact guidance and situation reports (issue 8)
    reports_demo.load_demo({u.username: u for u in db.session.scalars(select(User))})
    from .events import demo as events_demo  # summer party, Christmas party, dugnad (issue 7)
    events_demo.load_demo({u.username: u for u in db.session.scalars(select(User))})
    audit("demo_data_loaded")
    db.session.commit()


DEMO_ISSUES = [
    # author, title, category, place, status, body, replies [(author, text)]
    ("nabo", "Høy musikk sent på kvelden", "noise", "Bakgården", "agreed",
     "Flere naboer har hørt høy musikk fra bakgården etter klokka 23 i helgene. "
     "Det er fint at folk er ute, men vi trenger nattero.\n\nKan vi bli enige om en tid?",
     [("beboer", "Vi har snakket om dette på beboermøtet. Vi foreslår at musikken skrus ned klokka 22 på hverdager og 23 i helgene."),
      ("leder", "Takk! Det tar vi med på neste møte i naborådet."),
      ("ansatt", "Vakta minner om tidene på kveldsrunden. Ring vakttelefonen hvis det blir for høyt.")]),
    ("nabo2", "Biler som står på snuplassen", "traffic", "Snuplassen ved bussholdeplassen", "discussing",
     "Det står ofte biler parkert på snuplassen, så bussen og søppelbilen kommer ikke fram.",
     [("ansatt", "Vi har snakket med de som besøker botiltaket, og satt opp et skilt om besøksparkering."),
      ("nabo3", "Det har blitt bedre den siste uka.")]),
    ("beboer2", "Søppel ved containeren", "litter", "Containeren ved inngangen", "new",
     "Det blir liggende søppel rundt containeren fordi lokket er ødelagt. Kan kommunen fikse lokket?", []),
    ("leder", "Bedre lys på gangveien", "safety", "Gangveien mot skolen", "resolved",
     "Gangveien er mørk om kvelden, og flere sier at de føler seg utrygge.",
     [("ansatt", "Kommunen har satt opp to nye lyktestolper."),
      ("nabo", "Det ble mye bedre. Takk!")]),
    ("beboer", "Sommerfest i år også?", "cooperation", None, "new",
     "Sommerfesten i fjor var veldig fin. Skal vi ha det i år også? Vi kan hjelpe til med grillingen.",
     [("nabo2", "Ja! Jeg kan bake kake.")]),
]


def load_demo_issues() -> None:
    from datetime import timedelta

    from .issues.service import record_event
    from .models import Issue, IssueEventKind, IssueFollow, IssueStatus, Reply, search_key, utcnow
    users = {u.username: u for u in db.session.scalars(select(User))}
    now = utcnow()
    for n, (author, title, category, place, status, body, replies) in enumerate(DEMO_ISSUES):
        created = now - timedelta(days=20 - 4 * n, hours=n)
        issue = Issue(title=title, body=body, category=category, place=place, status=IssueStatus(status),
                      author_id=users[author].id, created_at=created, last_activity_at=created,
                      search_text=search_key(title, body, place), reply_count=len(replies))
        db.session.add(issue)
        db.session.flush()
        followers = {author}
        for k, (who, text) in enumerate(replies):
            at = created + timedelta(hours=5 * (k + 1))
            db.session.add(Reply(issue_id=issue.id, author_id=users[who].id, body=text, created_at=at))
            issue.last_activity_at = at
            followers.add(who)
        if status != "new":
            event = record_event(issue.id, IssueEventKind.STATUS, users["leder"].id, value=status)
            event.created_at = issue.last_activity_at + timedelta(minutes=30)
        for who in followers:
            db.session.add(IssueFollow(issue_id=issue.id, user_id=users[who].id))
