"""Demo members: one login per role (beboer, nabo, leder, ansatt) and a few more, all with one password."""
from ..extensions import db
from ..models import ChairSeat, Role, User
from ..passwords import hash_password

MEMBERS = [
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


def load_demo(password: str) -> dict[str, User]:
    """The demo members, by username; the ones ending in 2 or 3 have no email address."""
    password_hash = hash_password(password)
    users = {}
    for username, display, full, role, seat in MEMBERS:
        email = f"{username}@example.org" if not username.endswith(("2", "3")) else None
        users[username] = User(username=username, display_name=display, full_name=full, email=email,
                               role=role, chair_seat=seat, password_hash=password_hash, locale="nb")
    db.session.add_all(users.values())
    db.session.flush()
    return users
