"""Demo "meld fra": some months of situation reports, two of them still open."""
from datetime import timedelta

from ..extensions import db
from ..models import (
    ContactWay,
    MessageKind,
    ReportCategory,
    ReportMessage,
    ReportStatus,
    SituationReport,
    StaffAlert,
    utcnow,
)

REPORTS = [
    # category, text, place
    ("noise", "Høy musikk fra bakgården etter midnatt.", "Bakgården"),
    ("litter", "Det ligger søppel rundt containeren igjen.", "Containeren ved inngangen"),
    ("unwell", "En mann satt lenge på benken og virket forvirret.", "Benken ved bussholdeplassen"),
    ("noise", "Roping på gangveien sent i kveld.", "Gangveien mot skolen"),
    ("damage", "Lyset ved sykkelstativet er knust.", "Sykkelstativet"),
    ("threat", "To personer kranglet høylytt, og jeg ble utrygg.", "Snuplassen"),
    ("other", "En bil har stått med motoren i gang i en time.", "Snuplassen"),
]


def load_demo(users):
    reporters = [users[name] for name in ("nabo", "beboer", "nabo2", "leder", "nabo3") if name in users]
    staff = [users[name] for name in ("ansatt", "ansatt2") if name in users]
    if not reporters or not staff:
        return
    now = utcnow()
    # Four months back: response times get better month by month.
    for n in range(28):
        days_ago = 120 - n * 4.2
        category, text, place = REPORTS[n % len(REPORTS)]
        created = now - timedelta(days=days_ago, hours=n % 5)
        minutes = max(3, 45 - n * 1.5 + (n % 3) * 4)
        report = SituationReport(category=ReportCategory(category), text=text, place=place,
                                 reporter_id=reporters[n % len(reporters)].id, happened_at=created,
                                 contact_way=ContactWay.IN_APP, created_at=created,
                                 acknowledged_at=created + timedelta(minutes=minutes),
                                 acknowledged_by_id=staff[n % len(staff)].id, status=ReportStatus.CLOSED,
                                 response="Takk for at du sa fra. Vakta har vært der.",
                                 responded_at=created + timedelta(minutes=minutes + 10),
                                 closed_at=created + timedelta(hours=3), closed_by_id=staff[0].id,
                                 outcome="Vakta snakket med de det gjaldt, og det ble roligere.")
        db.session.add(report)
        db.session.flush()
        # The answer is the first staff message of the report's conversation (issue 19, item 4).
        db.session.add(ReportMessage(report_id=report.id, author_id=report.acknowledged_by_id, from_staff=True,
                                     kind=MessageKind.MESSAGE, text=report.response, created_at=report.responded_at))
    # Two open ones: one new and waiting, one acknowledged.
    waiting = SituationReport(category=ReportCategory.NOISE, text="Det smeller i dører i oppgangen nå.",
                              place="Oppgang B", reporter_id=reporters[0].id, happened_at=now - timedelta(minutes=20),
                              created_at=now - timedelta(minutes=18), contact_way=ContactWay.PHONE,
                              contact_detail="+47 900 00 000")
    seen = SituationReport(category=ReportCategory.LITTER, text="Pizzaesker ved benken.", place="Lekeplassen",
                           reporter_id=reporters[1 % len(reporters)].id, happened_at=now - timedelta(hours=5),
                           created_at=now - timedelta(hours=5), acknowledged_at=now - timedelta(hours=4, minutes=50),
                           acknowledged_by_id=staff[0].id, status=ReportStatus.ACKNOWLEDGED,
                           contact_way=ContactWay.NONE)
    db.session.add_all([waiting, seen])
    db.session.flush()
    for member in staff:
        db.session.add(StaffAlert(user_id=member.id, report_id=waiting.id))
    # The acknowledged one is a conversation: the staff asked, the reporter answered.
    db.session.add_all([
        ReportMessage(report_id=seen.id, author_id=staff[0].id, from_staff=True, kind=MessageKind.QUESTION,
                      text="Ligger eskene der fortsatt, eller har noen ryddet?", created_at=now - timedelta(hours=4, minutes=45)),
        ReportMessage(report_id=seen.id, author_id=seen.reporter_id, from_staff=False, kind=MessageKind.MESSAGE,
                      text="De ligger der fortsatt, ved den grønne benken.", created_at=now - timedelta(hours=4, minutes=30))])
    db.session.flush()
