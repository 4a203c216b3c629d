"""Thread rows rendered once and served many times (naborad/row_cache.py): the page reads exactly as it
would rendered afresh, for every viewer, and shows every change at once; no row carries another's token."""
import re

import pytest

from naborad.csrf_mask import unmask
from naborad.extensions import db
from naborad.models import Reply, Role, utcnow
from naborad.row_cache import CSRF_PLACEHOLDER, lists, rows

from .conftest import PASSWORD, csrf_from

TOKEN = re.compile(r'(name="csrf_token"[^>]*value="|"X-CSRFToken": ")([^"]+)"')
CSP_NONCE = re.compile(r'nonce-[^"\';]+|nonce="[^"]+"')
FORM_TOKEN = re.compile(r'(name="form_token"[^>]*value=")[^"]+"')


def tokens(html: str) -> set[str]:
    return {unmask(value) for _, value in TOKEN.findall(html)}


def normalised(html: str) -> str:
    return CSP_NONCE.sub("nonce", FORM_TOKEN.sub(r"\1once\"", TOKEN.sub(r"\1token\"", html)))


@pytest.fixture
def thread(make_issue, make_user):
    author = make_user(Role.NEIGHBOUR, display_name="Kari")
    issue = make_issue(author, "Støy i bakgården")
    db.session.add_all(Reply(issue_id=issue.id, author_id=author.id, body=f"Svar **{n}**") for n in range(5))
    db.session.commit()
    return issue, author


@pytest.mark.parametrize("role", [Role.NEIGHBOUR, Role.CHAIR, Role.STAFF])
def test_a_warm_page_reads_as_a_cold_one(client_for, thread, role):
    issue, _ = thread
    client, _ = client_for(role)
    rows.clear()
    lists.clear()
    cold = client.get(f"/saker/{issue.id}").get_data(as_text=True)
    warm = client.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert rows.misses == 5 and lists.hits == 1  # the warm page's list came whole from the cache
    assert normalised(warm) == normalised(cold)
    assert CSRF_PLACEHOLDER not in warm


def logged_in(app, user):
    client = app.test_client()
    token = csrf_from(client.get("/logg-inn").data)
    assert client.post("/logg-inn", data={"login": user.username, "password": PASSWORD,
                                          "csrf_token": token}).status_code == 303
    return client


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_each_viewer_gets_their_own_token_in_cached_rows(app, make_user, thread):
    issue, _ = thread
    rows.clear()
    lists.clear()
    first = logged_in(app, make_user(Role.CHAIR))
    second = logged_in(app, make_user(Role.STAFF))  # a moderator too: the same hide forms in every row
    one, two = (c.get(f"/saker/{issue.id}").get_data(as_text=True) for c in (first, second))
    assert lists.hits == 1  # the second viewer was served the first's rows
    assert len(tokens(one)) == 1 and len(tokens(two)) == 1 and tokens(one) != tokens(two)
    reply = db.session.scalars(db.select(Reply).where(Reply.issue_id == issue.id)).first()
    token = TOKEN.search(two.split(f'id="svar-{reply.id}"', 1)[1]).group(2)
    hidden = second.post(f"/saker/{issue.id}/svar/{reply.id}/skjul", data={"reason": "Personangrep", "csrf_token": token})
    assert hidden.status_code == 303  # the token in a cached row is the viewer's own


def test_every_change_shows_at_once(client_for, thread, make_user):
    issue, author = thread
    client, _ = client_for(Role.NEIGHBOUR)
    reply = db.session.scalars(db.select(Reply).where(Reply.issue_id == issue.id)).first()
    assert "Kari" in client.get(f"/saker/{issue.id}").get_data(as_text=True)
    author.display_name = "Kari N."
    reply.body, reply.edited_at = "Nytt svar", utcnow()
    db.session.commit()
    page = client.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert "Kari N." in page and "Nytt svar" in page
    moderator = make_user(Role.STAFF)
    reply.hidden_at, reply.hidden_by_id, reply.hidden_reason = utcnow(), moderator.id, "Personangrep"
    db.session.commit()
    page = client.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert "Personangrep" in page and "Nytt svar" not in page
    english = client.post("/sprak", data={"lang": "en"}, follow_redirects=True)
    assert english.status_code == 200
    assert "Hidden by" in client.get(f"/saker/{issue.id}").get_data(as_text=True)


def test_the_author_sees_edit_buttons_others_do_not(client_for, thread):
    issue, author = thread
    mine, _ = client_for(author)
    other, _ = client_for(Role.NEIGHBOUR)
    rows.clear()
    lists.clear()
    assert "/rediger" in mine.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert "/rediger" not in other.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert "/rediger" in mine.get(f"/saker/{issue.id}").get_data(as_text=True)
