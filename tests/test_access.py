"""The route-by-role matrix: every endpoint, every method, every kind of visitor (PERMISSIONS.md).

The table below is the one readable place for the expected answers. An
endpoint in the app without an entry here fails `test_every_endpoint_is_in_the_matrix`.
"""
from datetime import timedelta

import pytest

from naborad.access import policy_for
from naborad.extensions import db
from naborad.models import Invitation, Issue, PasswordReset, Reply, Role, utcnow
from naborad.tokens import code_hash, sha256

from .conftest import log_in

VISITORS = ["anon", "resident", "neighbour", "chair", "staff", "deactivated"]
OK, LOGIN, E403, E404 = "ok", "login", 403, 404

# Expectation shorthands, one per row of PERMISSIONS.md that an endpoint implements.
EVERYONE = {v: OK for v in VISITORS}
MEMBERS = {"anon": LOGIN, "deactivated": LOGIN, "resident": OK, "neighbour": OK, "chair": OK, "staff": OK}
# Members may read the thing but only moderators may act: 403 for the rest.
MODERATE = {"anon": LOGIN, "deactivated": LOGIN, "resident": E403, "neighbour": E403, "chair": OK, "staff": OK}
# Someone else's reply (the sample's author is nobody visiting): 403 for every member.
OWN_ONLY = {"anon": LOGIN, "deactivated": LOGIN, "resident": E403, "neighbour": E403, "chair": E403, "staff": E403}
STAFF = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": E404, "staff": OK}

INVITE_CODE = "ABCDE-FGHJK"
RESET_TOKEN = "r" * 43

# (endpoint, method): (path, expectation)
MATRIX = {
    ("static", "GET"): ("/static/app.css", EVERYONE),
    ("auth.login", "GET"): ("/logg-inn", EVERYONE),
    ("auth.login", "POST"): ("/logg-inn", EVERYONE),
    ("auth.logout", "POST"): ("/logg-ut", MEMBERS),
    ("auth.forgot_password", "GET"): ("/glemt-passord", EVERYONE),
    ("auth.forgot_password", "POST"): ("/glemt-passord", EVERYONE),
    ("auth.reset_password", "GET"): (f"/nytt-passord/{RESET_TOKEN}", EVERYONE),
    ("auth.reset_password", "POST"): (f"/nytt-passord/{RESET_TOKEN}", EVERYONE),
    ("auth.invitation", "GET"): ("/invitasjon", EVERYONE),
    ("auth.invitation", "POST"): ("/invitasjon", EVERYONE),
    ("auth.accept_invitation", "GET"): (f"/invitasjon/{INVITE_CODE}", EVERYONE),
    ("auth.accept_invitation", "POST"): (f"/invitasjon/{INVITE_CODE}", EVERYONE),
    ("auth.profile", "GET"): ("/profil", MEMBERS),
    ("auth.profile", "POST"): ("/profil", MEMBERS),
    ("auth.change_password", "GET"): ("/profil/passord", MEMBERS),
    ("auth.change_password", "POST"): ("/profil/passord", MEMBERS),
    ("pages.dashboard", "GET"): ("/", MEMBERS),
    ("pages.contact", "GET"): ("/kontakt", EVERYONE),
    ("pages.accessibility", "GET"): ("/tilgjengelighet", EVERYONE),
    ("pages.privacy", "GET"): ("/personvern", EVERYONE),
    ("pages.set_language", "POST"): ("/sprak", EVERYONE),
    ("members.index", "GET"): ("/medlemmer/", MEMBERS),
    ("members.show", "GET"): ("/medlemmer/{member}", STAFF),
    ("members.change_role", "POST"): ("/medlemmer/{member}/rolle", STAFF),
    ("members.deactivate", "POST"): ("/medlemmer/{member}/deaktiver", STAFF),
    ("members.reactivate", "POST"): ("/medlemmer/{member}/aktiver", STAFF),
    ("members.reset_link", "GET"): ("/medlemmer/{member}/tilbakestill", STAFF),
    ("members.reset_link", "POST"): ("/medlemmer/{member}/tilbakestill", STAFF),
    ("members.invitations", "GET"): ("/medlemmer/invitasjoner", STAFF),
    ("members.invite", "GET"): ("/medlemmer/inviter", STAFF),
    ("members.invite", "POST"): ("/medlemmer/inviter", STAFF),
    ("members.invitation", "GET"): ("/medlemmer/invitasjoner/{invitation}", STAFF),
    ("members.withdraw_invitation", "POST"): ("/medlemmer/invitasjoner/{invitation}/trekk-tilbake", STAFF),
    ("members.renew_invitation", "POST"): ("/medlemmer/invitasjoner/{invitation}/ny-kode", STAFF),
    ("audit.index", "GET"): ("/logg/", STAFF),
    ("issues.index", "GET"): ("/saker/", MEMBERS),
    ("issues.new", "GET"): ("/saker/ny", MEMBERS),
    ("issues.new", "POST"): ("/saker/ny", MEMBERS),
    ("issues.show", "GET"): ("/saker/{issue}", MEMBERS),
    ("issues.reply", "POST"): ("/saker/{issue}/svar", MEMBERS),
    ("issues.edit_reply", "GET"): ("/saker/{issue}/svar/{reply}/rediger", OWN_ONLY),
    ("issues.edit_reply", "POST"): ("/saker/{issue}/svar/{reply}/rediger", OWN_ONLY),
    ("issues.delete_reply", "POST"): ("/saker/{issue}/svar/{reply}/slett", OWN_ONLY),
    ("issues.hide_reply", "POST"): ("/saker/{issue}/svar/{reply}/skjul", MODERATE),
    ("issues.unhide_reply", "POST"): ("/saker/{issue}/svar/{reply}/vis", MODERATE),
    ("issues.set_status", "POST"): ("/saker/{issue}/status", MODERATE),
    ("issues.lock", "POST"): ("/saker/{issue}/las", MODERATE),
    ("issues.unlock", "POST"): ("/saker/{issue}/las-opp", MODERATE),
    ("issues.follow", "POST"): ("/saker/{issue}/folg", MEMBERS),
    ("issues.unfollow", "POST"): ("/saker/{issue}/slutt-a-folge", MEMBERS),
}


def app_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method


def test_every_endpoint_is_in_the_matrix(app):
    missing = sorted(set(app_routes(app)) - set(MATRIX))
    assert not missing, f"endpoints without an entry in the access matrix: {missing}"
    stale = sorted(set(MATRIX) - set(app_routes(app)))
    assert not stale, f"matrix entries for endpoints that no longer exist: {stale}"


def test_every_endpoint_declares_a_policy(app):
    with app.test_request_context():
        undeclared = sorted({endpoint for endpoint, _ in app_routes(app) if policy_for(endpoint) is None})
    assert not undeclared, f"endpoints without a declared access policy: {undeclared}"


@pytest.fixture
def samples(make_user):
    member = make_user(Role.NEIGHBOUR, "sample")
    invitation = Invitation(code_hash=code_hash(INVITE_CODE), role=Role.RESIDENT,
                            expires_at=utcnow() + timedelta(days=14))
    db.session.add(invitation)
    db.session.add(PasswordReset(token_hash=sha256(RESET_TOKEN), user_id=member.id,
                                 expires_at=utcnow() + timedelta(hours=1)))
    issue = Issue(title="Sample", body="x", category="other", author_id=member.id, search_text="sample")
    db.session.add(issue)
    db.session.flush()
    reply = Reply(issue_id=issue.id, author_id=member.id, body="x")
    db.session.add(reply)
    db.session.commit()
    return {"member": member.id, "invitation": invitation.id, "issue": issue.id, "reply": reply.id}


def visit_as(client, make_user, visitor):
    if visitor == "anon":
        return
    role = Role.NEIGHBOUR if visitor == "deactivated" else Role(visitor)
    user = make_user(role)
    assert log_in(client, user.username).status_code == 303
    if visitor == "deactivated":  # deactivated while the session is open
        user.is_active_member = False
        db.session.commit()


CASES = [(endpoint, method, visitor) for (endpoint, method) in MATRIX for visitor in VISITORS]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("endpoint,method,visitor", CASES, ids=[f"{e}-{m}-{v}" for e, m, v in CASES])
def test_access_matrix(client, make_user, samples, endpoint, method, visitor, htmx):
    path, expectations = MATRIX[(endpoint, method)]
    expected = expectations[visitor]
    visit_as(client, make_user, visitor)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.open(path.format(**samples), method=method, headers=headers)
    response.close()
    where = f"{method} {path} as {visitor}{' (htmx)' if htmx else ''}"
    if expected == OK:
        assert response.status_code in (200, 303, 422), f"{where}: {response.status_code}"
        assert response.status_code != 303 or "/logg-inn" not in response.headers["Location"] \
            or endpoint in ("auth.logout", "auth.forgot_password", "auth.reset_password"), where
    elif expected == LOGIN:
        if htmx:
            assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/logg-inn"), where
        else:
            assert response.status_code == 303 and response.headers["Location"].startswith("/logg-inn"), where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
        if htmx:
            assert response.headers.get("HX-Retarget") == "#alerts", where
