"""The command-line tools."""
from sqlalchemy import func, select

from naborad.extensions import db
from naborad.models import ChairSeat, ContactPoint, Role, User

from .conftest import log_in


def test_create_user_reads_the_password_from_stdin(runner, client):
    result = runner.invoke(args=["create-user", "--role", "staff", "--username", "Hanne", "--name", "Hanne",
                                 "--email", "hanne@example.org"], input="a long staff password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "hanne"))
    assert user.role == Role.STAFF
    assert log_in(client, "hanne", "a long staff password").status_code == 303


def test_create_user_refuses_a_common_password(runner):
    result = runner.invoke(args=["create-user", "--role", "resident", "--username", "x1", "--name", "X"],
                           input="password123\n")
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_refuses_a_second_chair(runner, make_user):
    make_user(Role.CHAIR, "chair")
    result = runner.invoke(args=["create-user", "--role", "chair", "--username", "c2", "--name", "C"],
                           input="a long chair password\n")
    assert result.exit_code != 0
    assert db.session.scalars(select(User.username).where(User.role == Role.CHAIR)).all() == ["chair"]


def test_demo_data_has_one_login_per_role(runner, client):
    result = runner.invoke(args=["demo-data", "--password", "demo password 1"])
    assert result.exit_code == 0, result.output
    roles = {u.username: (u.role, u.chair_seat) for u in db.session.scalars(select(User))}
    assert roles["beboer"] == (Role.RESIDENT, None)
    assert roles["nabo"] == (Role.NEIGHBOUR, None)
    assert roles["leder"] == (Role.CHAIR, ChairSeat.CHAIR)
    assert roles["ansatt"] == (Role.STAFF, None)
    assert db.session.scalar(select(func.count()).select_from(ContactPoint)) >= 4
    assert log_in(client, "leder@example.org", "demo password 1").status_code == 303


def test_demo_data_if_empty_leaves_a_used_database_alone(runner, make_user):
    make_user(Role.STAFF, "someone")
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
