"""Demo data for contact and "meld fra": flags on the contact points, guidance, and some months of reports."""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (ContactPoint, ContactWay, Guidance, ReportCategory, ReportStatus, SituationReport,
                      StaffAlert, utcnow)

GUIDANCE = [
    # situation, advice, contact label starts with
    ("Bråk eller høy musikk om natta",
     "Ring vakttelefonen til botiltaket. Vakta går en runde og snakker med de det gjelder. "
     "Du kan også melde fra her i appen, så ser vi om det skjer ofte.", "Botiltaket"),
    ("Noen virker syke eller forvirret",
     "Er noen i fare, ring **113**. Ellers ring vakttelefonen; vakta kommer og ser til personen.", "Botiltaket"),
    ("Søppel eller sprøyter ute",
     "Ikke ta i sprøyter. Ring vakttelefonen, så rydder vakta. Søppel på kommunal grunn meldes til "
     "kommunens servicetorg.", "Kommunens"),
    ("Trusler eller du føler deg utrygg",
     "Er du eller andre i fare nå, ring **112**. Meld gjerne fra til vakta etterpå, så følger vi opp.", "Politi"),
]

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
    points = db.session.scalars(select(ContactPoint)).all()
    by_label = {p.label: p for p in points}
    for p in points:
        p.is_on_duty = "vakttelefon" in p.label
        p.is_emergency = p.phone in ("110", "112", "113")
    for position, (situation, advice, label) in enumerate(GUIDANCE):
        point = next((p for name, p in by_label.items() if name.startswith(label)), None)
        db.session.add(Guidance(position=position, situation=situation, advice=advice,
                                contact_point_id=point.id if point else None))

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
    db.session.flush()
