"""The route-by-role matrix: every endpoint, every method, every kind of visitor (PERMISSIONS.md).

The table below is the one readable place for the expected answers. An
endpoint in the app without an entry here fails `test_every_endpoint_is_in_the_matrix`.
"""
from datetime import timedelta

import pytest

from naborad.access import policy_for
from naborad.extensions import db
from naborad.models import (ActionItem, CalendarFeed, Notification, AgendaItem, Invitation, Issue, ItemState, Meeting, MeetingStatus,
                            PasswordReset, PreItemState, PreMeeting, PreMeetingComment, PreMeetingItem, Reply,
                            Role, utcnow)
from naborad.tokens import code_hash, sha256


VISITORS = ["anon", "resident", "neighbour", "chair", "staff", "deactivated"]
OK, LOGIN, E403, E404 = "ok", "login", 403, 404

# Expectation shorthands, one per row of PERMISSIONS.md that an endpoint implements.
EVERYONE = {v: OK for v in VISITORS}
MEMBERS = {"anon": LOGIN, "deactivated": LOGIN, "resident": OK, "neighbour": OK, "chair": OK, "staff": OK}
# Members may read the thing but only moderators may act: 403 for the rest.
MODERATE = {"anon": LOGIN, "deactivated": LOGIN, "resident": E403, "neighbour": E403, "chair": OK, "staff": OK}
# Someone else's reply (the sample's author is nobody visiting): 403 for every member.
OWN_ONLY = {"anon": LOGIN, "deactivated": LOGIN, "resident": E403, "neighbour": E403, "chair": E403, "staff": E403}
# Pages and things only moderators may see at all (draft agendas, unapproved minutes): 404 for the rest.
MODERATORS_ONLY = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": OK, "staff": OK}
# Approving minutes: the chair (or deputy) alone; everyone else may read the meeting.
CHAIR_ACTS = {"anon": LOGIN, "deactivated": LOGIN, "resident": E403, "neighbour": E403, "chair": OK, "staff": E403}
# The residents' pre-meeting: residents and staff; neighbours and the chair get 404 everywhere.
PRE = {"anon": LOGIN, "deactivated": LOGIN, "resident": OK, "neighbour": E404, "chair": E404, "staff": OK}
PRE_STAFF_ACTS = {"anon": LOGIN, "deactivated": LOGIN, "resident": E403, "neighbour": E404, "chair": E404, "staff": OK}
PRE_STAFF_ONLY = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": E404, "staff": OK}
# "Residents heard" on a draft council item: staff alone may set it; the chair sees the item.
STAFF_ACTS_ON_DRAFT = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": E403,
                       "staff": OK}
# Someone else's notification: not even its existence is shown.
NOBODY_ELSE = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": E404,
               "staff": E404}
STAFF = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": E404, "staff": OK}
# The chair's own number on the contact page: only the chair themself.
CHAIR_ONLY = {"anon": LOGIN, "deactivated": LOGIN, "resident": E404, "neighbour": E404, "chair": OK, "staff": E404}

INVITE_CODE = "ABCDE-FGHJK"
RESET_TOKEN = "r" * 43
FEED_TOKEN = "f" * 43

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
    ("auth.export", "GET"): ("/profil/eksport", MEMBERS),
    ("auth.delete_account", "GET"): ("/profil/slett", MEMBERS),
    ("auth.delete_account", "POST"): ("/profil/slett", MEMBERS),
    # Two-factor sign-in: the code page finds its waiting session in the cookie (none: back to the login).
    ("auth.two_factor_code", "GET"): ("/logg-inn/kode", EVERYONE),
    ("auth.two_factor_code", "POST"): ("/logg-inn/kode", EVERYONE),
    ("auth.two_factor", "GET"): ("/profil/to-trinn", MEMBERS),
    ("auth.two_factor", "POST"): ("/profil/to-trinn", MEMBERS),
    ("auth.two_factor_start", "POST"): ("/profil/to-trinn/start", MEMBERS),
    ("auth.two_factor_new_codes", "POST"): ("/profil/to-trinn/nye-koder", MEMBERS),
    ("auth.two_factor_disable", "POST"): ("/profil/to-trinn/av", MEMBERS),
    ("pages.dashboard", "GET"): ("/", MEMBERS),
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
    ("members.reset_second_factor", "POST"): ("/medlemmer/{member}/to-trinn/nullstill", STAFF),
    ("members.invitations", "GET"): ("/medlemmer/invitasjoner", STAFF),
    ("members.invite", "GET"): ("/medlemmer/inviter", STAFF),
    ("members.invite", "POST"): ("/medlemmer/inviter", STAFF),
    ("members.invitation", "GET"): ("/medlemmer/invitasjoner/{invitation}", STAFF),
    ("members.withdraw_invitation", "POST"): ("/medlemmer/invitasjoner/{invitation}/trekk-tilbake", STAFF),
    ("members.renew_invitation", "POST"): ("/medlemmer/invitasjoner/{invitation}/ny-kode", STAFF),
    ("audit.index", "GET"): ("/logg/", STAFF),
    ("meetings.index", "GET"): ("/moter/", MEMBERS),
    ("meetings.new", "GET"): ("/moter/ny", MODERATORS_ONLY),
    ("meetings.new", "POST"): ("/moter/ny", MODERATORS_ONLY),
    ("meetings.show", "GET"): ("/moter/{meeting}", MEMBERS),
    ("meetings.edit", "GET"): ("/moter/{meeting}/rediger", MODERATE),
    ("meetings.edit", "POST"): ("/moter/{meeting}/rediger", MODERATE),
    ("meetings.cancel", "POST"): ("/moter/{meeting}/avlys", MODERATE),
    ("meetings.screen", "GET"): ("/moter/{meeting}/skjerm", MODERATORS_ONLY),  # draft agenda
    ("meetings.printable", "GET"): ("/moter/{meeting}/utskrift", MODERATORS_ONLY),
    ("meetings.ics", "GET"): ("/moter/{meeting}.ics", MEMBERS),
    ("meetings.rsvp", "POST"): ("/moter/{meeting}/svar", MEMBERS),
    ("meetings.propose_next", "GET"): ("/moter/foresla", MEMBERS),
    ("meetings.propose", "GET"): ("/moter/{meeting}/foresla", MEMBERS),
    ("meetings.propose", "POST"): ("/moter/{meeting}/foresla", MEMBERS),
    ("meetings.accept", "POST"): ("/moter/punkt/{item}/godta", MODERATORS_ONLY),
    ("meetings.decline", "POST"): ("/moter/punkt/{item}/avvis", MODERATORS_ONLY),
    ("meetings.move", "POST"): ("/moter/punkt/{item}/flytt", MODERATORS_ONLY),
    ("meetings.move_up", "POST"): ("/moter/punkt/{item}/opp", MODERATORS_ONLY),
    ("meetings.move_down", "POST"): ("/moter/punkt/{item}/ned", MODERATORS_ONLY),
    ("meetings.item_settings", "POST"): ("/moter/punkt/{item}/innstillinger", MODERATORS_ONLY),
    ("meetings.carry_over", "POST"): ("/moter/{meeting}/videreforing/{item}", MODERATORS_ONLY),
    ("meetings.set_current", "POST"): ("/moter/{meeting}/gjeldende/{item}", MODERATORS_ONLY),
    ("meetings.publish", "POST"): ("/moter/{meeting}/publiser", MODERATE),
    ("meetings.mark_held", "POST"): ("/moter/{meeting}/avholdt", MODERATE),
    ("meetings.minutes", "GET"): ("/moter/punkt/{item}/referat", MODERATORS_ONLY),
    ("meetings.minutes", "POST"): ("/moter/punkt/{item}/referat", MODERATORS_ONLY),
    ("meetings.add_action", "POST"): ("/moter/punkt/{item}/oppfolging", MODERATORS_ONLY),
    ("meetings.approve", "POST"): ("/moter/{held}/godkjenn", CHAIR_ACTS),
    ("meetings.actions", "GET"): ("/moter/oppfolging", MEMBERS),
    ("meetings.mark_done", "POST"): ("/moter/oppfolging/{action}/ferdig", MODERATE),
    ("meetings.decisions", "GET"): ("/moter/vedtak", MEMBERS),
    ("meetings.toggle_concerns", "POST"): ("/moter/punkt/{item}/beboere", MODERATORS_ONLY),
    ("meetings.toggle_heard", "POST"): ("/moter/punkt/{item}/hort", STAFF_ACTS_ON_DRAFT),
    ("members.toggle_rep", "POST"): ("/medlemmer/{resident}/representant", STAFF),
    ("notifications.index", "GET"): ("/varsler/", MEMBERS),
    ("notifications.open_one", "POST"): ("/varsler/{notification}/apne", NOBODY_ELSE),
    ("notifications.read_all", "POST"): ("/varsler/les-alle", MEMBERS),
    ("notifications.count", "GET"): ("/varsler/antall", EVERYONE),  # answers an empty badge without a session
    ("notifications.settings", "GET"): ("/varsler/innstillinger", MEMBERS),
    ("notifications.settings", "POST"): ("/varsler/innstillinger", MEMBERS),
    ("notifications.reset_feed", "POST"): ("/varsler/kalender/ny-lenke", MEMBERS),
    ("notifications.feed_options", "POST"): ("/varsler/kalender/valg", MEMBERS),
    ("notifications.delete_feed", "POST"): ("/varsler/kalender/slett", MEMBERS),
    ("notifications.feed", "GET"): (f"/kalender/{FEED_TOKEN}.ics", EVERYONE),  # secret link: the token decides
    ("premeeting.index", "GET"): ("/beboermote/", PRE),
    ("premeeting.new", "GET"): ("/beboermote/ny", PRE_STAFF_ONLY),
    ("premeeting.new", "POST"): ("/beboermote/ny", PRE_STAFF_ONLY),
    ("premeeting.show", "GET"): ("/beboermote/{premeeting}", PRE),
    ("premeeting.printable", "GET"): ("/beboermote/{premeeting}/utskrift", PRE),
    ("premeeting.rsvp", "POST"): ("/beboermote/{premeeting}/svar", PRE),
    ("premeeting.import_agenda", "POST"): ("/beboermote/{premeeting}/hent-saksliste", PRE_STAFF_ACTS),
    ("premeeting.ready", "POST"): ("/beboermote/{premeeting}/klar", PRE_STAFF_ACTS),
    ("premeeting.propose", "GET"): ("/beboermote/{premeeting}/foresla", PRE),
    ("premeeting.propose", "POST"): ("/beboermote/{premeeting}/foresla", PRE),
    ("premeeting.accept", "POST"): ("/beboermote/sak/{pitem}/godta", PRE_STAFF_ACTS),
    ("premeeting.decline", "POST"): ("/beboermote/sak/{pitem}/avvis", PRE_STAFF_ACTS),
    ("premeeting.move_up", "POST"): ("/beboermote/sak/{pitem}/opp", PRE_STAFF_ACTS),
    ("premeeting.move_down", "POST"): ("/beboermote/sak/{pitem}/ned", PRE_STAFF_ACTS),
    ("premeeting.comment", "POST"): ("/beboermote/sak/{pitem}/kommentar", PRE),
    ("premeeting.hide_comment", "POST"): ("/beboermote/kommentar/{pcomment}/skjul", PRE_STAFF_ACTS),
    ("premeeting.summary", "GET"): ("/beboermote/sak/{pitem}/oppsummering", PRE_STAFF_ACTS),
    ("premeeting.summary", "POST"): ("/beboermote/sak/{pitem}/oppsummering", PRE_STAFF_ACTS),
    ("premeeting.share", "POST"): ("/beboermote/sak/{pitem}/del", PRE_STAFF_ACTS),
    ("premeeting.unshare", "POST"): ("/beboermote/sak/{pitem}/trekk-tilbake", PRE_STAFF_ACTS),
    ("premeeting.want_raise", "POST"): ("/beboermote/sak/{pitem}/ta-opp", PRE),
    ("premeeting.raise_item", "GET"): ("/beboermote/sak/{pitem}/til-naboradet", PRE_STAFF_ACTS),
    ("premeeting.raise_item", "POST"): ("/beboermote/sak/{pitem}/til-naboradet", PRE_STAFF_ACTS),
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
    # contact page and "meld fra" (issue 8)
    ("contact.index", "GET"): ("/kontakt", EVERYONE),
    ("contact.card", "GET"): ("/kontakt/kort", EVERYONE),
    ("contact.manage", "GET"): ("/kontakt/rediger", STAFF),
    ("contact.new_point", "GET"): ("/kontakt/punkter/ny", STAFF),
    ("contact.new_point", "POST"): ("/kontakt/punkter/ny", STAFF),
    ("contact.edit_point", "GET"): ("/kontakt/punkter/{contact_point}", STAFF),
    ("contact.edit_point", "POST"): ("/kontakt/punkter/{contact_point}", STAFF),
    ("contact.delete_point", "POST"): ("/kontakt/punkter/{contact_point}/slett", STAFF),
    ("contact.new_guidance", "GET"): ("/kontakt/rad/ny", STAFF),
    ("contact.new_guidance", "POST"): ("/kontakt/rad/ny", STAFF),
    ("contact.edit_guidance", "GET"): ("/kontakt/rad/{guidance}", STAFF),
    ("contact.edit_guidance", "POST"): ("/kontakt/rad/{guidance}", STAFF),
    ("contact.delete_guidance", "POST"): ("/kontakt/rad/{guidance}/slett", STAFF),
    ("contact.my_number", "GET"): ("/kontakt/mitt-nummer", CHAIR_ONLY),
    ("contact.my_number", "POST"): ("/kontakt/mitt-nummer", CHAIR_ONLY),
    ("contact.withdraw_my_number", "POST"): ("/kontakt/mitt-nummer/trekk-tilbake", CHAIR_ONLY),
    ("reports.new", "GET"): ("/meld-fra/", MEMBERS),
    ("reports.new", "POST"): ("/meld-fra/", MEMBERS),
    ("reports.mine", "GET"): ("/meld-fra/mine", MEMBERS),
    # Someone else's report (the sample's reporter is nobody visiting): staff only, 404 for the rest.
    ("reports.show", "GET"): ("/meld-fra/{report}", STAFF),
    ("reports.acknowledge", "POST"): ("/meld-fra/{report}/sett", STAFF),
    ("reports.respond", "POST"): ("/meld-fra/{report}/svar", STAFF),
    ("reports.close", "POST"): ("/meld-fra/{report}/lukk", STAFF),
    ("reports.queue", "GET"): ("/meld-fra/ko", STAFF),
    ("reports.stats", "GET"): ("/meld-fra/tall", MEMBERS),
    ("events.index", "GET"): ("/arrangementer/", MEMBERS),
    ("events.show", "GET"): ("/arrangementer/{event}", MEMBERS),
    ("events.ics", "GET"): ("/arrangementer/{event}/kalender.ics", MEMBERS),
    ("events.sign_up", "POST"): ("/arrangementer/{event}/pamelding", MEMBERS),
    ("events.cancel_signup", "POST"): ("/arrangementer/{event}/avmelding", MEMBERS),
    ("events.take_task", "POST"): ("/arrangementer/{event}/oppgaver/{task}/ta", MEMBERS),
    ("events.release_task", "POST"): ("/arrangementer/{event}/oppgaver/{task}/slipp", MEMBERS),
    ("events.new", "GET"): ("/arrangementer/nytt", MODERATORS_ONLY),
    ("events.new", "POST"): ("/arrangementer/nytt", MODERATORS_ONLY),
    # Members read the event but only organisers (chair, staff) change it: 403 for the rest.
    ("events.edit", "GET"): ("/arrangementer/{event}/rediger", MODERATE),
    ("events.edit", "POST"): ("/arrangementer/{event}/rediger", MODERATE),
    ("events.copy", "GET"): ("/arrangementer/{event}/kopier", MODERATE),
    ("events.copy", "POST"): ("/arrangementer/{event}/kopier", MODERATE),
    ("events.cancel", "POST"): ("/arrangementer/{event}/avlys", MODERATE),
    ("events.add_task", "POST"): ("/arrangementer/{event}/oppgaver", MODERATE),
    ("events.delete_task", "POST"): ("/arrangementer/{event}/oppgaver/{task}/slett", MODERATE),
    # The participant list (with dietary notes) exists only for organisers: 404 for everyone else.
    ("events.participants", "GET"): ("/arrangementer/{event}/deltakere", MODERATORS_ONLY),
    ("events.add_participant", "POST"): ("/arrangementer/{event}/deltakere", MODERATORS_ONLY),
    ("events.export_csv", "GET"): ("/arrangementer/{event}/deltakere.csv", MODERATORS_ONLY),
    ("events.print_list", "GET"): ("/arrangementer/{event}/deltakere/utskrift", MODERATORS_ONLY),
    ("events.set_guests", "POST"): ("/arrangementer/{event}/deltakere/{signup}/gjester", MODERATORS_ONLY),
    ("events.remove_participant", "POST"): ("/arrangementer/{event}/deltakere/{signup}/fjern", MODERATORS_ONLY),
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


ROLE_OF = {"resident": Role.RESIDENT, "neighbour": Role.NEIGHBOUR, "chair": Role.CHAIR, "staff": Role.STAFF}
# Endpoints where a member whose role may act still gets 403 for a rule about this one object, named in
# access.py: someone else's reply (may_change_reply), someone else's action item (may_mark_done).
OBJECT_RULES = {"issues.edit_reply", "issues.delete_reply", "meetings.mark_done"}


def test_the_decorators_say_what_the_matrix_says(app):
    """`@allow(READERS, acts=ACTORS)` tells the truth: a role outside READERS gets 404 everywhere, a reader
    outside ACTORS never gets through, and an actor gets 403 only where an object rule says so."""
    with app.test_request_context():
        for (endpoint, method), (path, expected) in MATRIX.items():
            policy = policy_for(endpoint)
            where = f"{method} {endpoint}"
            if policy.kind != "roles":
                assert expected["anon"] == OK, f"{where} is public, but the matrix asks for a login"
                continue
            assert expected["anon"] == LOGIN and expected["deactivated"] == LOGIN, where
            for visitor, role in ROLE_OF.items():
                answer = expected[visitor]
                if role not in policy.roles:
                    assert answer == E404, f"{where}: {visitor} is no reader, so the matrix must say 404"
                elif role not in policy.actor_roles:
                    assert answer in (E403, E404), f"{where}: {visitor} may not act, but the matrix says {answer}"
                elif answer == E403:
                    assert endpoint in OBJECT_RULES, \
                        f"{where}: {visitor} is an actor by the decorator, yet gets 403 (say it in acts=)"


def build_samples(make_user) -> dict:
    """One thing of every kind the matrix's paths name, none of them the visitor's own; returns their ids."""
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
    from naborad.models import ContactPoint, Guidance, SituationReport
    contact_point = ContactPoint(label="Sample", phone="112")
    report = SituationReport(category="noise", text="x", reporter_id=member.id)
    db.session.add_all([contact_point, report])
    db.session.flush()
    guidance = Guidance(situation="Sample", advice="x", contact_point_id=contact_point.id)
    db.session.add(guidance)
    from naborad.models import Event, Signup, VolunteerTask  # events (issue 7)
    event = Event(title="Sample", starts_at=utcnow() + timedelta(days=7), ends_at=utcnow() + timedelta(days=7, hours=2))
    db.session.add(event)
    db.session.flush()
    event_task = VolunteerTask(event_id=event.id, title="Sample", slots=100)
    event_signup = Signup(event_id=event.id, user_id=member.id, status="confirmed")
    db.session.add_all([event_task, event_signup])
    db.session.flush()
    meeting = Meeting(starts_at=utcnow() + timedelta(days=10), place="Sample")  # meetings (issue 5)
    held = Meeting(starts_at=utcnow() - timedelta(days=1), place="Sample", status=MeetingStatus.HELD)
    approved = Meeting(starts_at=utcnow() - timedelta(days=60), place="Sample", status=MeetingStatus.APPROVED)
    db.session.add_all([meeting, held, approved])
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, title="Draft item", state=ItemState.ACCEPTED, issue_id=issue.id)
    old_item = AgendaItem(meeting_id=approved.id, title="Old item", state=ItemState.ACCEPTED)
    db.session.add_all([item, old_item])
    db.session.flush()
    action = ActionItem(agenda_item_id=old_item.id, meeting_id=approved.id, what="x", assignee_id=member.id)
    db.session.add(action)
    resident = make_user(Role.RESIDENT, "sampleresident")
    premeeting = PreMeeting(meeting_id=meeting.id, starts_at=utcnow() + timedelta(days=5), place="Sample")
    db.session.add(premeeting)
    db.session.flush()
    pitem = PreMeetingItem(premeeting_id=premeeting.id, agenda_item_id=item.id, title="Sample",
                           state=PreItemState.ACCEPTED, summary="x")
    db.session.add(pitem)
    db.session.flush()
    pcomment = PreMeetingComment(item_id=pitem.id, author_id=resident.id, body="x")
    db.session.add(pcomment)
    notification = Notification(user_id=member.id, kind="issue_reply", subject_type="issue", subject_id=issue.id)
    db.session.add_all([notification, CalendarFeed(user_id=member.id, token_hash=sha256(FEED_TOKEN))])
    db.session.commit()
    return {"meeting": meeting.id, "item": item.id, "held": held.id, "action": action.id,
            "notification": notification.id,
            "resident": resident.id, "premeeting": premeeting.id, "pitem": pitem.id, "pcomment": pcomment.id,
            "event": event.id, "task": event_task.id, "signup": event_signup.id,
            "member": member.id, "invitation": invitation.id, "issue": issue.id, "reply": reply.id,
            "contact_point": contact_point.id, "guidance": guidance.id, "report": report.id}


@pytest.fixture
def samples(make_user):
    return build_samples(make_user)


@pytest.mark.config(ACTS_PROBE="fail-closed")  # an app of its own: routes can be added before its first request
def test_an_actors_check_that_no_loader_made_neither_writes_nor_answers(app, client, login_as):
    """`acts=` is checked by the object loaders; a view that loads nothing through one fails closed."""
    from naborad.access import STAFF as STAFF_ROLES, allow, get_issue_or_404
    from naborad.access import MEMBERS as MEMBER_ROLES

    @allow(MEMBER_ROLES, acts=STAFF_ROLES)
    def writes_without_loading():
        db.session.add(Issue(title="Should never exist", body="x", category="other", search_text="x"))
        db.session.commit()
        return "written"

    @allow(MEMBER_ROLES, acts=STAFF_ROLES)
    def answers_without_loading():
        return "secret"

    @allow(MEMBER_ROLES, acts=STAFF_ROLES)
    def loads(issue_id):
        return get_issue_or_404(issue_id).title

    app.add_url_rule("/probe/write", view_func=writes_without_loading, methods=["POST"])
    app.add_url_rule("/probe/answer", view_func=answers_without_loading)
    app.add_url_rule("/probe/issue/<int:issue_id>", view_func=loads)
    author = login_as(Role.NEIGHBOUR)
    issue = Issue(title="Seen", body="x", category="other", author_id=author.id, search_text="seen")
    db.session.add(issue)
    db.session.commit()

    assert client.post("/probe/write").status_code == 403
    assert db.session.scalar(db.select(Issue).where(Issue.title == "Should never exist")) is None
    assert client.get("/probe/answer").status_code == 403
    assert client.get(f"/probe/issue/{issue.id}").status_code == 403  # visible, but not an actor
    assert client.get(f"/probe/issue/{issue.id + 999}").status_code == 404  # not there: 404 before 403
    client.post("/logg-ut")
    login_as(Role.STAFF)
    assert client.get("/probe/answer").data == b"secret"
    assert client.get(f"/probe/issue/{issue.id}").data == b"Seen"
    assert client.post("/probe/write").data == b"written"
