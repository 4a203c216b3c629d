"""Issues: list, search, threads, replies with htmx and without, moderation, wording prompt, query counts."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from naborad.extensions import db
from naborad.issues import service
from naborad.markdown import render_markdown
from naborad.models import (
    AuditEvent,
    Issue,
    IssueEvent,
    IssueFollow,
    IssueStatus,
    Notification,
    Reply,
    Role,
    search_key,
    utcnow,
)

from .helpers import HX, count, count_queries, queries_for

# -- list and search ----------------------------------------------------------

def test_list_page_and_fragment(client, login_as, make_issue):
    login_as(Role.RESIDENT)
    make_issue(title="Søppel ved containeren")
    page = client.get("/saker/")
    assert page.status_code == 200 and b"<main" in page.data and "Søppel".encode() in page.data
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get("/saker/?q=søppel", headers=HX)
    assert fragment.status_code == 200 and b"<main" not in fragment.data
    assert fragment.data.startswith(b'<div id="issue-list"')
    assert "HX-Request" in fragment.headers["Vary"]


def test_search_folds_norwegian_letters(client, login_as, make_issue):
    login_as(Role.NEIGHBOUR)
    make_issue(title="Ærlig talt om støy", body="ÅPEN port")
    make_issue(title="Parkering", body="biler", category="traffic")  # not in the category Støy
    for query in ("ærlig", "ÆRLIG", "åpen", "STØY"):
        html = client.get(f"/saker/?q={query}").data.decode()
        assert "Ærlig talt" in html and "Parkering" not in html, query


def test_search_finds_the_category_label_in_both_languages(client, login_as, make_issue):
    """Issue 15, item 4: "støy" found nothing although the noise issue is in the category Støy."""
    login_as(Role.NEIGHBOUR)
    make_issue(title="Høy musikk sent på kvelden", body="Etter klokka 23.", category="noise")
    make_issue(title="Parkering", body="biler", category="traffic")
    for query in ("støy", "STØY", "stoy", "støyen", "noise", "støy musikk"):
        html = client.get(f"/saker/?q={query}").data.decode()
        assert "Høy musikk" in html and "Parkering" not in html, query
    html = client.get("/saker/?q=trafikk").data.decode()
    assert "Parkering" in html and "Høy musikk" not in html
    html = client.get("/saker/?q=støy+parkering").data.decode()  # every word must match
    assert "Parkering" not in html and "Høy musikk" not in html


def test_search_finds_words_spelt_without_norwegian_letters(client, login_as):
    """Issue 15, item 4: "soppel" did not find "søppel"; o/a/ae and the typed oe/aa stand for ø/å/æ."""
    user = login_as(Role.NEIGHBOUR)
    service.open_issue(user, title="Søppel ved containeren", body="Lokket er ødelagt.", category="other",
                       place="Bakgården")
    service.open_issue(user, title="Parkering", body="Biler.", category="other")
    for query in ("soppel", "SOPPEL", "soeppel", "søppel", "SØPPEL", "odelagt", "bakgarden", "bakgaarden",
                  "Bakgården", "container lokk"):
        html = client.get(f"/saker/?q={query}").data.decode()
        assert "Søppel ved containeren" in html and "Parkering" not in html, query


@pytest.mark.parametrize("stored, query", [("Ærlig talt", "aerlig"), ("Kafé", "kafe"), ("Åsen", "aasen"),
                                           ("Øst", "oest"), ("Straße", "strasse")])
def test_search_key_folds_either_spelling(app, stored, query):
    from naborad.search import word_variants
    key = search_key(stored)
    assert any(v in key for v in word_variants(search_key(query))), (key, query)


def test_an_empty_search_suggests_what_to_try_and_offers_a_new_issue(client, login_as, make_issue):
    login_as(Role.NEIGHBOUR)
    make_issue(title="Parkering", body="biler", category="traffic")
    html = client.get("/saker/?q=gatelys+mørkt").data.decode()
    assert "Ingen saker passer til «gatelys mørkt»" in html
    assert "Færre ord" in html and "stavemåte" in html
    assert 'href="/saker/ny?tittel=gatelys+m%C3%B8rkt"' in html
    html = client.get("/saker/?q=gatelys&status=resolved").data.decode()
    assert "filtrene" in html and 'href="/saker/?q=gatelys"' in html
    form = client.get("/saker/ny?tittel=gatelys+mørkt").data.decode()
    assert 'value="gatelys mørkt"' in form


def test_filters_by_status_and_category(client, login_as, make_issue):
    login_as(Role.NEIGHBOUR)
    make_issue(title="Løst sak", status=IssueStatus.RESOLVED)
    make_issue(title="Ny trafikksak", category="traffic")
    html = client.get("/saker/?status=resolved").data.decode()
    assert "Løst sak" in html and "Ny trafikksak" not in html
    html = client.get("/saker/?category=traffic").data.decode()
    assert "Ny trafikksak" in html and "Løst sak" not in html


def test_bad_filter_values_do_not_break_the_list(client, login_as, make_issue):
    login_as(Role.NEIGHBOUR)
    make_issue()
    for query in ("status=nope", "category=%00", "side=-3", "side=abc", "q=" + "x" * 500, "q=%25_%5C"):
        assert client.get(f"/saker/?{query}").status_code == 200, query


def test_list_is_paginated_with_load_more(client, login_as, make_user):
    user = login_as(Role.NEIGHBOUR)
    now = utcnow()
    db.session.execute(insert(Issue), [
        {"title": f"Sak {n}", "body": "x", "category": "other", "author_id": user.id, "search_text": f"sak {n}",
         "status": "new", "created_at": now, "last_activity_at": now - timedelta(minutes=n), "reply_count": 0}
        for n in range(45)])
    db.session.commit()
    first = client.get("/saker/").data.decode()
    assert "Sak 0<" in first and "Sak 19<" in first and "Sak 20<" not in first
    more = client.get("/saker/?side=2", headers=HX)
    html = more.data.decode()
    assert html.lstrip().startswith('<li class="card issue-item" data-page-start tabindex="-1">')  # focus goes here
    assert "Sak 20<" in html and "Sak 39<" in html and "side=3" in html


# -- new issue ----------------------------------------------------------------

def test_new_issue_success_redirects_and_author_follows(client, login_as):
    user = login_as(Role.RESIDENT)
    response = client.post("/saker/ny", data={"title": "Lys på gangveien", "body": "Mørkt.", "category": "safety",
                                              "place": "Gangveien", "form_token": "a"})
    assert response.status_code == 303
    issue = db.session.scalar(select(Issue))
    assert response.headers["Location"] == f"/saker/{issue.id}"
    assert (issue.place, issue.author_id, issue.status) == ("Gangveien", user.id, IssueStatus.NEW)
    assert count(IssueFollow, IssueFollow.user_id == user.id) == 1


def test_new_issue_invalid_is_422_and_keeps_the_text(client, login_as):
    login_as(Role.RESIDENT)
    response = client.post("/saker/ny", data={"title": "", "body": "Beholdt tekst", "category": "noise",
                                              "happened_at": "2999-01-01T10:00", "form_token": "a"})
    assert response.status_code == 422
    html = response.data.decode()
    assert 'id="title-error"' in html and 'id="happened_at-error"' in html and "Beholdt tekst" in html
    assert count(Issue) == 0


@pytest.mark.parametrize("data, wrong", [({"category": "nope"}, ["category"]),
                                         ({"happened_at": "not a date"}, ["happened_at"]),
                                         ({"title": "x" * 5000}, ["title"]),
                                         ({"title": "\x00", "body": "\x00"}, ["title", "body"])],
                         ids=["category", "happened_at", "long-title", "nul"])
def test_new_issue_with_garbage_input_is_422_beside_the_field(client, login_as, data, wrong):
    login_as(Role.RESIDENT)
    response = client.post("/saker/ny", data={"title": "T", "body": "B", "category": "noise", "form_token": "g",
                                              **data})
    assert response.status_code == 422
    assert re.findall(r'id="(\w+)-error"', response.get_data(as_text=True)) == wrong
    assert count(Issue) == 0


def test_double_submit_creates_one_issue(client, login_as):
    login_as(Role.RESIDENT)
    data = {"title": "To ganger", "body": "Klikk klikk", "category": "other", "form_token": "same"}
    first, second = client.post("/saker/ny", data=data), client.post("/saker/ny", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Issue) == 1


def test_wording_prompt_is_gentle_and_can_be_overridden(client, login_as):
    login_as(Role.NEIGHBOUR)
    data = {"title": "Bråk", "body": "Han i nr. 3 er en narkis", "category": "noise", "form_token": "w"}
    prompt = client.post("/saker/ny", data=data)
    assert prompt.status_code == 422 and count(Issue) == 0
    html = prompt.data.decode()
    assert 'id="body-wording"' in html and "personer som bruker rusmidler" in html.replace("person som", "personer som")
    assert 'name="post_anyway"' in html and "Han i nr. 3" in html
    anyway = client.post("/saker/ny", data={**data, "post_anyway": "1"})
    assert anyway.status_code == 303 and count(Issue) == 1
    # recorded, with neither the writer nor the text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wording_post_anyway"))
    assert event.actor_id is None and event.detail == "issues.new"


def test_wording_check_never_looks_at_member_names(client, login_as, make_user):
    make_user(Role.RESIDENT, "tom", display_name="Tom")
    login_as(Role.NEIGHBOUR)
    response = client.post("/saker/ny", data={"title": "Hei Tom", "body": "Tom hjalp meg med handlelapper.",
                                              "category": "other", "form_token": "n"})
    assert response.status_code == 303  # a member's name alone is no reason for a prompt


# -- thread and replies --------------------------------------------------------

def test_thread_shows_replies_in_order_with_role_badges(client, login_as, make_issue, make_user):
    login_as(Role.NEIGHBOUR)
    issue = make_issue()
    staff = make_user(Role.STAFF, display_name="Ola")
    now = utcnow()
    db.session.add_all([Reply(issue_id=issue.id, author_id=staff.id, body="Først", created_at=now),
                        Reply(issue_id=issue.id, author_id=staff.id, body="Så", created_at=now + timedelta(seconds=1))])
    db.session.commit()
    html = client.get(f"/saker/{issue.id}").data.decode()
    assert html.index("Først") < html.index("Så")
    assert "Ansatt" in html and "<time" in html


def test_reply_without_javascript_redirects_to_its_anchor(client, login_as, make_issue):
    user = login_as(Role.RESIDENT)
    issue = make_issue()
    response = client.post(f"/saker/{issue.id}/svar", data={"body": "Godt forslag", "form_token": "r1"})
    reply = db.session.scalar(select(Reply))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/saker/{issue.id}#svar-{reply.id}"
    db.session.refresh(issue)
    assert issue.reply_count == 1
    assert count(IssueFollow, IssueFollow.user_id == user.id) == 1


def test_reply_with_htmx_returns_fresh_form_and_the_new_reply(client, login_as, make_issue):
    login_as(Role.RESIDENT)
    issue = make_issue()
    response = client.post(f"/saker/{issue.id}/svar", data={"body": "Med htmx", "form_token": "r2"}, headers=HX)
    html = response.data.decode()
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<form id="reply-form"')
    assert '<hx-partial hx-target="#replies" hx-swap="beforeend">' in html and "Med htmx" in html
    assert len(response.data) < 6000  # a small fragment
    form_part = html.split("<hx-partial")[0]
    assert "Med htmx" not in form_part  # the form is cleared


def test_a_reply_with_htmx_also_updates_the_follow_button(client, login_as, make_issue):
    """A reply makes its writer follow the issue; the "Follow the issue" button must not stay behind (issue 15)."""
    login_as(Role.NEIGHBOUR)
    issue = make_issue()
    assert "Følg saken" in client.get(f"/saker/{issue.id}").data.decode()
    html = client.post(f"/saker/{issue.id}/svar", data={"body": "Enig", "form_token": "r3"}, headers=HX).data.decode()
    follow = html[html.index('<hx-partial hx-target="#follow" hx-swap="outerHTML">'):]
    assert 'id="follow"' in follow and "Du følger denne saken" in follow and "Slutt å følge" in follow


def test_invalid_reply_is_422_with_the_form_fragment(client, login_as, make_issue):
    login_as(Role.RESIDENT)
    issue = make_issue()
    response = client.post(f"/saker/{issue.id}/svar", data={"body": "  ", "form_token": "r3"}, headers=HX)
    assert response.status_code == 422 and b'id="body-error"' in response.data and b"<main" not in response.data
    response = client.post(f"/saker/{issue.id}/svar", data={"body": "", "form_token": "r3"})
    assert response.status_code == 422 and b"<main" in response.data
    assert count(Reply) == 0


def test_double_click_on_reply_posts_once(client, login_as, make_issue):
    login_as(Role.RESIDENT)
    issue = make_issue()
    data = {"body": "En gang", "form_token": "dbl"}
    first = client.post(f"/saker/{issue.id}/svar", data=data)
    second = client.post(f"/saker/{issue.id}/svar", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Reply) == 1
    db.session.refresh(issue)
    assert issue.reply_count == 1


def test_edit_and_delete_own_reply_within_15_minutes(client, login_as, make_issue):
    user = login_as(Role.NEIGHBOUR)
    issue = make_issue()
    reply = Reply(issue_id=issue.id, author_id=user.id, body="Skrivefeil")
    db.session.add(reply)
    db.session.commit()
    form = client.get(f"/saker/{issue.id}/svar/{reply.id}/rediger", headers=HX)
    assert form.status_code == 200 and b"<main" not in form.data
    response = client.post(f"/saker/{issue.id}/svar/{reply.id}/rediger", data={"body": "Rettet"}, headers=HX)
    assert response.status_code == 200 and "redigert".encode() in response.data
    db.session.refresh(reply)
    assert reply.body == "Rettet" and reply.edited_at
    assert client.post(f"/saker/{issue.id}/svar/{reply.id}/slett").status_code == 303
    assert count(Reply) == 0


def test_editing_after_15_minutes_or_someone_elses_reply_is_403(client, login_as, make_issue, make_user):
    user = login_as(Role.NEIGHBOUR)
    issue = make_issue()
    old = Reply(issue_id=issue.id, author_id=user.id, body="Gammel", created_at=utcnow() - timedelta(minutes=16))
    other = Reply(issue_id=issue.id, author_id=make_user(Role.RESIDENT).id, body="Andres")
    db.session.add_all([old, other])
    db.session.commit()
    for reply in (old, other):
        assert client.post(f"/saker/{issue.id}/svar/{reply.id}/rediger", data={"body": "x"}).status_code == 403
        assert client.post(f"/saker/{issue.id}/svar/{reply.id}/slett").status_code == 403
    assert client.get(f"/saker/{issue.id}/svar/99999/rediger").status_code == 404


def test_moderator_hides_with_reason_and_unhides(client, login_as, make_issue, make_user):
    login_as(Role.CHAIR)
    issue = make_issue()
    reply = Reply(issue_id=issue.id, author_id=make_user(Role.NEIGHBOUR).id, body="Uthenging")
    db.session.add(reply)
    issue.reply_count = 1
    db.session.commit()
    assert client.post(f"/saker/{issue.id}/svar/{reply.id}/skjul", data={"reason": ""}, headers=HX).status_code == 422
    response = client.post(f"/saker/{issue.id}/svar/{reply.id}/skjul", data={"reason": "Navngir en person"},
                           headers=HX)
    html = response.data.decode()
    assert response.status_code == 200 and "Navngir en person" in html and "Uthenging" not in html
    db.session.refresh(issue)
    assert issue.reply_count == 0
    assert client.post(f"/saker/{issue.id}/svar/{reply.id}/vis").status_code == 303
    db.session.refresh(reply)
    assert reply.hidden_at is None


def test_status_change_adds_an_event_line(client, login_as, make_issue):
    login_as(Role.STAFF)
    issue = make_issue()
    assert client.post(f"/saker/{issue.id}/status", data={"status": "closed"}).status_code == 422
    assert client.post(f"/saker/{issue.id}/status", data={"status": "agreed"}).status_code == 303
    db.session.refresh(issue)
    assert issue.status == IssueStatus.AGREED
    assert count(IssueEvent, IssueEvent.kind == "status") == 1
    assert "satte status".encode() in client.get(f"/saker/{issue.id}").data


def test_locked_thread_refuses_member_replies_with_403(app, client, login_as, make_issue, client_for):
    login_as(Role.STAFF)
    issue = make_issue()
    assert client.post(f"/saker/{issue.id}/las", data={"reason": "Vi tar det på møtet"}).status_code == 303
    member, _ = client_for(Role.NEIGHBOUR)
    assert member.post(f"/saker/{issue.id}/svar", data={"body": "Hei", "form_token": "l"}).status_code == 403
    assert "Vi tar det på møtet".encode() in member.get(f"/saker/{issue.id}").data
    assert b'id="reply-form"' not in member.get(f"/saker/{issue.id}").data


def test_follow_and_unfollow_with_htmx(client, login_as, make_issue):
    user = login_as(Role.RESIDENT)
    issue = make_issue()
    response = client.post(f"/saker/{issue.id}/folg", headers=HX)
    assert response.status_code == 200 and response.data.lstrip().startswith(b'<form id="follow"')
    assert count(IssueFollow, IssueFollow.user_id == user.id) == 1
    client.post(f"/saker/{issue.id}/folg")  # twice: still one
    assert count(IssueFollow, IssueFollow.user_id == user.id) == 1
    assert client.post(f"/saker/{issue.id}/slutt-a-folge").status_code == 303
    assert count(IssueFollow, IssueFollow.user_id == user.id) == 0


def test_missing_issue_is_404(client, login_as):
    login_as(Role.RESIDENT)
    assert client.get("/saker/424242").status_code == 404


# -- markdown -------------------------------------------------------------------

def test_markdown_is_sanitised():
    html = str(render_markdown(
        "**fet** <script>alert(1)</script> [lenke](https://example.org) ![bilde](https://evil.example/x.png) "
        "[js](javascript:alert(1)) <img src=x onerror=alert(1)>"))
    assert "<strong>fet</strong>" in html
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html  # shown as text
    assert 'href="javascript' not in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_user_text_is_wrapped_in_hx_ignore(client, login_as, make_issue):
    login_as(Role.RESIDENT)
    issue = make_issue(body='<button hx-post="/logg-ut">klikk</button>')
    html = client.get(f"/saker/{issue.id}").data.decode()
    assert '<div class="user-text" hx-ignore>' in html
    assert "<button hx-post" not in html  # raw HTML is text, never markup


# -- a fixed number of queries --------------------------------------------------

def test_thread_and_list_queries_do_not_grow_with_the_data(client, login_as, make_issue, make_user):
    login_as(Role.STAFF)
    others = [make_user(Role.NEIGHBOUR) for _ in range(5)]
    small, big = make_issue(), make_issue()
    now = utcnow()
    rows = [{"issue_id": small.id, "author_id": others[n % 5].id, "body": f"svar {n}", "created_at": now}
            for n in range(5)]
    rows += [{"issue_id": big.id, "author_id": others[n % 5].id, "body": f"svar {n}", "created_at": now}
             for n in range(500)]
    db.session.execute(insert(Reply), rows)
    db.session.commit()

    assert queries_for(client, f"/saker/{small.id}") == queries_for(client, f"/saker/{big.id}")
    few = queries_for(client, "/saker/")
    db.session.execute(insert(Issue), [
        {"title": f"Sak {n}", "body": "x", "category": "other", "author_id": others[n % 5].id,
         "search_text": "x", "status": "new", "created_at": now, "last_activity_at": now, "reply_count": 0}
        for n in range(2000)])
    db.session.commit()
    assert queries_for(client, "/saker/") == few


def test_a_reply_takes_the_same_queries_however_many_follow_the_issue(client, login_as, make_issue, make_user):
    """Issue 16: the followers are told in one INSERT, and read once (also for whether the writer follows)."""
    login_as(Role.NEIGHBOUR)
    one, six = make_issue(follow=True), make_issue(follow=True)
    db.session.add_all([IssueFollow(issue_id=six.id, user_id=make_user(Role.NEIGHBOUR).id) for _ in range(5)])
    db.session.commit()

    def posted(issue_id, token) -> int:
        with count_queries() as ran:
            response = client.post(f"/saker/{issue_id}/svar", data={"body": "Enig", "form_token": token}, headers=HX)
        assert response.status_code == 200
        return len(ran)
    one, six = one.id, six.id
    posted(one, "first-1"), posted(six, "first-2")  # the writer follows both from now on
    # the member and their session, the issue, a reply of the same form token?, the reply (in a savepoint: 3),
    # the issue's count, the followers, their notification settings, the notifications
    assert posted(one, "again-1") == posted(six, "again-2") == 10
    assert count(Notification, Notification.subject_id == six) == 2 * 6


def test_a_long_thread_opens_with_its_latest_replies_and_shows_all_on_request(client, login_as, make_issue):
    user = login_as(Role.NEIGHBOUR)
    issue = make_issue()
    now = utcnow()
    db.session.execute(insert(Reply), [{"issue_id": issue.id, "author_id": user.id, "body": f"Svar nr {n:03d}",
                                        "created_at": now - timedelta(minutes=200 - n)} for n in range(130)])
    db.session.commit()
    html = client.get(f"/saker/{issue.id}").get_data(as_text=True)
    assert "Svar nr 129" in html and "Svar nr 030" in html and "Svar nr 029" not in html
    assert f"/saker/{issue.id}?alle=1" in html
    html = client.get(f"/saker/{issue.id}?alle=1").get_data(as_text=True)
    assert "Svar nr 000" in html and "Svar nr 129" in html


def test_the_text_hint_says_what_you_can_write_not_markdown(client, login_as):
    """Issue 15, item 12: "You can use Markdown" means nothing to most members; say what works instead."""
    login_as(Role.NEIGHBOUR)
    html = client.get("/saker/ny").data.decode()
    assert "Markdown" not in html and "**fet**" in html and "*kursiv*" in html and "[ordene](https://…)" in html
