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


# -- the whole thread page, the layout's parts and the empty forms (issue 16) -----------------------------

def page(client, issue, **query) -> str:
    response = client.get(f"/saker/{issue.id}", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_warm_page_reads_as_a_cold_one_with_every_reply_shown(client_for, thread):
    issue, _ = thread
    client, _ = client_for(Role.CHAIR)
    rows.clear()
    lists.clear()
    cold = page(client, issue, alle=1)
    assert normalised(page(client, issue, alle=1)) == normalised(cold)
    assert lists.hits == 1


def test_changes_to_the_issue_show_at_once(app, client_for, thread, make_user):
    from naborad.issues import service
    from naborad.models import IssueStatus

    issue, author = thread
    client, reader = client_for(Role.NEIGHBOUR)
    chair = make_user(Role.CHAIR)
    first = page(client, issue)
    assert "Du følger denne saken" not in first and 'id="reply-form"' in first
    assert "Du følger denne saken" not in page(client, issue)  # warm
    service.follow(issue, reader)
    assert "Du følger denne saken" in page(client, issue)
    service.set_status(issue, chair, IssueStatus.CLOSED, "Løst med kommunen")
    closed = page(client, issue)
    assert "Løst med kommunen" in closed and "status-closed" in closed
    service.lock(issue, chair, "Nok nå")
    locked = page(client, issue)
    assert "Nok nå" in locked and 'id="reply-form"' not in locked  # a neighbour may not reply any more
    moderator, _ = client_for(chair)
    assert 'id="reply-form"' in page(moderator, issue)  # moderators still may
    service.post_reply(issue, chair, "Et siste ord")
    assert "Et siste ord" in page(client, issue)
    issue.title = "Ny tittel"
    db.session.commit()
    assert "Ny tittel" in page(client, issue)


def test_a_member_who_moved_out_shows_as_a_former_member_at_once(client_for, thread, make_user):
    from naborad.members import service as members

    issue, author = thread
    client, _ = client_for(Role.NEIGHBOUR)
    assert "Kari" in page(client, issue)
    members.move_out(author, make_user(Role.STAFF))
    shown = page(client, issue)
    assert "Kari" not in shown and "Tidligere medlem" in shown


def test_a_moderators_page_never_reaches_a_neighbour(client_for, thread):
    issue, _ = thread
    chair, _ = client_for(Role.CHAIR)
    neighbour, _ = client_for(Role.NEIGHBOUR)
    lists.clear()
    assert "/skjul" in page(chair, issue) and "/status" in page(chair, issue)
    plain = page(neighbour, issue)
    assert "/skjul" not in plain and "/status" not in plain and "/las" not in plain


def test_each_response_gets_its_own_one_time_token_and_it_posts_once(client_for, thread):
    issue, _ = thread
    client, _ = client_for(Role.NEIGHBOUR)
    first, second = page(client, issue), page(client, issue)
    token = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
    assert len(token.findall(first)) == 1 and token.findall(first) != token.findall(second)
    assert "placeholder" not in first + second
    data = {"body": "Enig med forrige", "form_token": token.search(second).group(1)}
    for _ in range(2):  # a double submit makes one reply
        assert client.post(f"/saker/{issue.id}/svar", data=data).status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(Reply).where(
        Reply.issue_id == issue.id, Reply.body == "Enig med forrige")) == 1


def test_the_menu_is_each_roles_own_and_marks_the_page(client_for, thread):
    from naborad.row_cache import parts

    issue, _ = thread
    parts.clear()
    staff, _ = client_for(Role.STAFF)
    neighbour, _ = client_for(Role.NEIGHBOUR)
    staff_page = page(staff, issue)
    assert "Revisjonslogg" in staff_page and "Beboermøtet" in staff_page
    shown = page(neighbour, issue)
    assert "Revisjonslogg" not in shown and "Beboermøtet" not in shown  # the staff's menu was not served
    assert re.search(r'href="/saker/"\s*aria-current="page"', shown)
    overview = neighbour.get("/").get_data(as_text=True)
    assert not re.search(r'href="/saker/"\s*aria-current="page"', overview)
    english = neighbour.post("/sprak", data={"lang": "en"}, follow_redirects=True)
    assert english.status_code == 200
    assert "Log out" in page(neighbour, issue)
