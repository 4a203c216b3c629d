"""A mark that tells someone lived at the facility is never shown on anyone else (issue 14, item 1)."""
from naborad.extensions import db
from naborad.models import Role

from .conftest import log_in


def test_a_former_resident_is_not_shown_as_residents_representative(app, client, make_user, login_as):
    login_as(Role.STAFF)
    resident = make_user(Role.RESIDENT, "kari", display_name="Kari")
    assert client.post(f"/medlemmer/{resident.id}/representant").status_code == 303
    assert "Beboerrepresentant" in client.get("/medlemmer/").get_data(as_text=True)
    assert client.post(f"/medlemmer/{resident.id}/rolle", data={"role": "neighbour"}).status_code == 303
    neighbour = make_user(Role.NEIGHBOUR)
    other = app.test_client()
    log_in(other, neighbour.username)
    assert "Beboerrepresentant" not in other.get("/medlemmer/").get_data(as_text=True)
    db.session.refresh(resident)
    assert not resident.is_residents_rep


def test_a_stale_mark_on_a_neighbour_is_hidden_and_staff_may_remove_it(app, client, make_user, login_as):
    """Data from before the fix: a neighbour still carrying the mark."""
    neighbour = make_user(Role.NEIGHBOUR, "per", display_name="Per", is_residents_rep=True)
    login_as(Role.STAFF)
    assert "Beboerrepresentant" not in client.get("/medlemmer/").get_data(as_text=True)
    assert client.post(f"/medlemmer/{neighbour.id}/representant").status_code == 303  # was 403
    db.session.refresh(neighbour)
    assert not neighbour.is_residents_rep
