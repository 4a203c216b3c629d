"""Demo issues: five threads in different states, with replies, followers and status lines."""
from datetime import timedelta

from ..extensions import db
from ..models import Issue, IssueEventKind, IssueFollow, IssueStatus, Reply, search_key, utcnow
from .service import record_event

ISSUES = [
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


def load_demo(users) -> None:
    now = utcnow()
    for n, (author, title, category, place, status, body, replies) in enumerate(ISSUES):
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
