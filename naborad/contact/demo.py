"""Demo contact page: the facility's on-duty phone, the municipality, the emergency numbers, and
"what do I do if ..." guidance pointing to them."""
from ..extensions import db
from ..models import ContactPoint, Guidance

CONTACTS = [
    # label, phone, email, hours, note
    ("Botiltaket, vakttelefon (hele døgnet)", "+47 32 00 00 00", "vakt@example.org", "Hele døgnet", None),
    ("Virksomhetsleder, Senter for rusforebygging", "+47 32 00 00 01", "leder.botiltak@example.org",
     "Hverdager 08–15.30", None),
    ("Kommunens servicetorg", "+47 32 00 00 02", None, "Hverdager 08–15", None),
    ("Brann", "110", None, None, "Ved brann eller røyk."),
    ("Politi", "112", None, None, "Når noen er i fare eller det skjer en forbrytelse nå."),
    ("Ambulanse", "113", None, None, "Når noen er syke eller skadet og trenger hjelp med en gang."),
]

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


def load_demo(users) -> None:
    points = []
    for position, (label, phone, email, hours, note) in enumerate(CONTACTS):
        points.append(ContactPoint(position=position, label=label, phone=phone, email=email, hours=hours, note=note,
                                   is_on_duty="vakttelefon" in label, is_emergency=phone in ("110", "112", "113")))
    db.session.add_all(points)
    db.session.flush()
    for position, (situation, advice, label) in enumerate(GUIDANCE):
        point = next((p for p in points if p.label.startswith(label)), None)
        db.session.add(Guidance(position=position, situation=situation, advice=advice,
                                contact_point_id=point.id if point else None))
    db.session.flush()
