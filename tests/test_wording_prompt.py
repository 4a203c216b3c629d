"""The wording prompt ("talk with, not about") on every form whose text others read (issue 17, item 4):
through the real endpoints, as the role that uses each, a labelling sentence comes back (422, the text
kept) with the one prompt beside its field, and a plain sentence goes through. A situation report goes
only to staff: there it is a quiet hint that never stops sending."""
import re

import pytest
from sqlalchemy import select

from naborad.extensions import db
from naborad.forms import replace_words
from naborad.models import (
    AuditEvent,
    Issue,
    PreItemState,
    PreMeetingItem,
    Reply,
    Role,
    SituationReport,
    User,
)
from naborad.wording import check

from .helpers import HX, count

LABEL = "Narkisene i nr. 3 bråker igjen"  # a word and a flat number the current rules catch
PLAIN = "Det var høy musikk etter midnatt i går."
EVENT_FORM = {"title": "Julefest", "description": "Grøt og gløgg", "place": "Fellesrommet",
              "starts_at": "2031-12-12T17:00", "ends_at": "2031-12-12T20:00", "max_guests": "0"}


def _raisable(s):
    """A pre-meeting item the residents raised themselves (not imported from the council agenda)."""
    item = PreMeetingItem(premeeting_id=s["premeeting"], title="Lys i porten", state=PreItemState.ACCEPTED,
                          raise_wanted=True, position=5)
    db.session.add(item)
    db.session.commit()
    return item.id


# form: (who, url, data, the field the sentence goes in, the prompt's id, the status of a plain post)
CASES = {
    "issue": lambda s: (Role.RESIDENT, "/saker/ny", {"title": "Bråk", "body": "", "category": "noise"},
                        "body", "body-wording", 303),
    "issue title": lambda s: (Role.RESIDENT, "/saker/ny", {"title": "", "body": PLAIN, "category": "noise"},
                              "title", "title-wording", 303),
    "reply": lambda s: (Role.NEIGHBOUR, f"/saker/{s['issue']}/svar", {"body": ""}, "body", "body-wording", 303),
    "reply edited": lambda s: ("member", f"/saker/{s['issue']}/svar/{s['reply']}/rediger", {"body": ""},
                               "body", "body-wording", 303),
    "hide reason (reply)": lambda s: (Role.CHAIR, f"/saker/{s['issue']}/svar/{s['reply']}/skjul", {"reason": ""},
                                      "reason", f"hide-reason-{s['reply']}-wording", 303),
    "closing reason (issue)": lambda s: (Role.CHAIR, f"/saker/{s['issue']}/status",
                                         {"status": "closed", "reason": ""}, "reason", "status-reason-wording", 303),
    "lock reason (issue)": lambda s: (Role.STAFF, f"/saker/{s['issue']}/las", {"reason": ""}, "reason",
                                      "reason-wording", 303),
    "agenda proposal": lambda s: (Role.RESIDENT, f"/moter/{s['meeting']}/foresla", {"title": "Støy", "why": ""},
                                  "why", "why-wording", 303),
    "agenda proposal title": lambda s: (Role.NEIGHBOUR, f"/moter/{s['meeting']}/foresla", {"title": ""},
                                        "title", "title-wording", 303),
    "decline reason (agenda)": lambda s: (Role.CHAIR, f"/moter/punkt/{s['item']}/avvis", {"reason": ""},
                                          "reason", "reason-wording", 303),
    "cancel message (meeting)": lambda s: (Role.CHAIR, f"/moter/{s['meeting']}/avlys", {"message": ""},
                                           "message", "message-wording", 303),
    "minutes notes": lambda s: (Role.CHAIR, f"/moter/punkt/{s['item']}/referat", {"notes": ""},
                                "notes", "notes-wording", 303),
    "minutes decision": lambda s: (Role.STAFF, f"/moter/punkt/{s['item']}/referat", {"decision": ""},
                                   "decision", "decision-wording", 303),
    "action item": lambda s: (Role.CHAIR, f"/moter/punkt/{s['item']}/oppfolging",
                              {"what": "", "assignee_name": "Vaktmesteren"}, "what", "what-wording", 303),
    "action item done note": lambda s: (Role.STAFF, f"/moter/oppfolging/{s['action']}/ferdig", {"note": ""},
                                        "note", f"note-{s['action']}-wording", 303),
    "event": lambda s: (Role.CHAIR, "/arrangementer/nytt", {**EVENT_FORM, "description": ""}, "description",
                        "description-wording", 303),
    "event edited": lambda s: (Role.STAFF, f"/arrangementer/{s['event']}/rediger", {**EVENT_FORM, "title": ""},
                               "title", "title-wording", 303),
    "event task": lambda s: (Role.CHAIR, f"/arrangementer/{s['event']}/oppgaver", {"title": "", "slots": "2"},
                             "title", "title-wording", 303),
    "pre-meeting proposal": lambda s: (Role.RESIDENT, f"/beboermote/{s['premeeting']}/foresla",
                                       {"title": "", "text": ""}, "title", "title-wording", 303),
    "pre-meeting proposal text": lambda s: (Role.STAFF, f"/beboermote/{s['premeeting']}/foresla",
                                            {"title": "Lys", "text": ""}, "text", "text-wording", 303),
    "pre-meeting comment": lambda s: (Role.RESIDENT, f"/beboermote/sak/{s['pitem']}/kommentar", {"body": ""},
                                      "body", f"body-{s['pitem']}-wording", 303),
    "pre-meeting decline reason": lambda s: (Role.STAFF, f"/beboermote/sak/{s['pitem']}/avvis", {"reason": ""},
                                             "reason", "reason-wording", 303),
    "pre-meeting hide reason": lambda s: (Role.STAFF, f"/beboermote/kommentar/{s['pcomment']}/skjul",
                                          {"reason": ""}, "reason", "reason-wording", 303),
    "shared summary": lambda s: (Role.STAFF, f"/beboermote/sak/{s['pitem']}/oppsummering", {"summary": ""},
                                 "summary", "summary-wording", 303),
    "raised to the council": lambda s: (Role.STAFF, f"/beboermote/sak/{_raisable(s)}/til-naboradet",
                                        {"title": "Lys i porten", "why": ""}, "why", "why-wording", 303),
    "answer to a reporter": lambda s: (Role.STAFF, f"/meld-fra/{s['report']}/svar", {"response": ""},
                                       "response", "response-wording", 303),
    "report closed": lambda s: (Role.STAFF, f"/meld-fra/{s['report']}/lukk", {"outcome": ""},
                                "outcome", "outcome-wording", 303),
}


def _client(client_for, who):
    member = db.session.scalar(select(User).where(User.username == "sample")) if who == "member" else who
    return client_for(member)[0]


@pytest.mark.parametrize("form", sorted(CASES))
def test_a_labelling_sentence_gets_the_prompt_and_a_plain_one_none(client_for, samples, form):
    who, url, data, name, prompt_id, plain_status = CASES[form](samples)
    client = _client(client_for, who)
    sentence = LABEL if name not in ("title", "reason", "what", "note", "message") else "Narkisene i nr. 3"

    prompted = client.post(url, data={**data, name: sentence})
    html = prompted.get_data(as_text=True)
    assert prompted.status_code == 422, html[:300]
    assert f'id="{prompt_id}"' in html and 'name="post_anyway"' in html, html
    assert "Narkisene" in html and 'name="wording_replace"' in html  # the text is kept; a one-tap replacement
    assert re.search(f'aria-describedby="[^"]*{prompt_id}', html)  # the field points to it

    plain = client.post(url, data={**data, name: PLAIN if name not in ("title", "what") else "Høy musikk"})
    assert plain.status_code == plain_status, plain.get_data(as_text=True)[:500]
    assert "-wording" not in plain.get_data(as_text=True)


def test_the_prompt_comes_in_the_htmx_fragment_too(client_for, samples):
    client, _ = client_for(Role.RESIDENT)
    swapped = client.post(f"/beboermote/sak/{samples['pitem']}/kommentar", data={"body": LABEL}, headers=HX)
    html = swapped.get_data(as_text=True)
    assert swapped.status_code == 422 and "<main" not in html
    assert f'id="body-{samples["pitem"]}-wording"' in html and LABEL in html


def test_post_anyway_posts_and_is_recorded_without_a_name(client_for, samples):
    client, _ = client_for(Role.RESIDENT)
    url = f"/saker/{samples['issue']}/svar"
    assert client.post(url, data={"body": LABEL}).status_code == 422 and count(Reply) == 1  # the sample reply
    anyway = client.post(url, data={"body": LABEL, "post_anyway": "1"})
    assert anyway.status_code == 303 and count(Reply) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wording_post_anyway"))
    assert event.actor_id is None and event.target_user_id is None and event.detail == "issues.reply"
    thread = client.get(f"/saker/{samples['issue']}").get_data(as_text=True)
    assert LABEL in thread and "Post anyway" not in thread and "anyway" not in thread.lower()  # not shown to others


def test_a_form_that_fails_for_another_reason_records_no_post_anyway(client_for):
    client, _ = client_for(Role.RESIDENT)
    response = client.post("/saker/ny", data={"title": "", "body": LABEL, "category": "noise", "post_anyway": "1"})
    assert response.status_code == 422 and count(Issue) == 0
    assert count(AuditEvent, AuditEvent.action == "wording_post_anyway") == 0


def test_the_one_tap_replacement_posts_with_the_suggestion(client_for):
    client, _ = client_for(Role.RESIDENT)
    finding = check("Narkisene bråker")[0]
    data = {"title": "Bråk om natta", "body": "Narkisene bråker", "category": "noise"}
    page = client.post("/saker/ny", data=data).get_data(as_text=True)
    assert 'name="wording_replace" value="body|Narkisene"' in page
    tapped = client.post("/saker/ny", data={**data, "wording_replace": "body|Narkisene"})
    assert tapped.status_code == 303
    issue = db.session.scalar(select(Issue))
    assert issue.body == replace_words("Narkisene bråker", "Narkisene", finding.suggest) != "Narkisene bråker"
    assert count(AuditEvent, AuditEvent.action == "wording_post_anyway") == 0


def test_a_replacement_with_more_left_comes_back_with_the_text_replaced(client_for):
    client, _ = client_for(Role.RESIDENT)
    data = {"title": "Bråk", "body": LABEL, "category": "noise", "wording_replace": "body|Narkisene"}
    response = client.post("/saker/ny", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count(Issue) == 0
    assert "Narkisene i nr" not in html and "nr. 3" in html  # the word replaced; the flat number still asked about


def test_a_replacement_the_check_does_not_give_changes_nothing(client_for):
    client, _ = client_for(Role.RESIDENT)
    data = {"title": "Bråk", "body": "Naboen bråker", "category": "noise", "wording_replace": "body|Naboen"}
    assert client.post("/saker/ny", data=data).status_code == 303
    assert db.session.scalar(select(Issue.body)) == "Naboen bråker"


def test_a_report_to_staff_is_never_stopped_and_gets_a_quiet_hint(client_for):
    client, _ = client_for(Role.RESIDENT)
    sent = client.post("/meld-fra/", data={"category": "noise", "text": LABEL, "contact_way": "none"})
    assert sent.status_code == 303 and count(SituationReport) == 1
    # the form back for another reason: the hint under the field, no stop and no "post anyway"
    back = client.post("/meld-fra/", data={"category": "noise", "text": LABEL, "contact_way": "phone"})
    html = back.get_data(as_text=True)
    assert back.status_code == 422 and 'class="hint wording-hint" id="text-wording"' in html
    assert 'name="post_anyway"' not in html and 'role="alert" id="text-wording"' not in html
    plain = client.post("/meld-fra/", data={"category": "noise", "text": PLAIN, "contact_way": "phone"})
    assert "wording-hint" not in plain.get_data(as_text=True)


def test_each_kind_of_finding_is_explained_in_its_own_words(client_for):
    """A label, a flat number and a description that points someone out each get their own sentence."""
    client, _ = client_for(Role.NEIGHBOUR)
    html = client.post("/saker/ny", data={"title": "Natt", "category": "noise", "body": (
        "Narkisene bråker. Han på rom 4 spilte høyt. Mannen med rullatoren fra botiltaket ropte.")}).get_data(
        as_text=True)
    assert "«Narkisene» setter merkelapp på folk" in html, html
    assert "«Han på rom 4» kan peke ut hvor noen bor" in html, html
    kinds = {finding.kind for finding in check("Han på rom 4 spilte høyt.",
                                               "Mannen med rullatoren fra botiltaket ropte.")}
    assert "point" in kinds, kinds
    assert "«Mannen med rullatoren fra botiltaket» kan peke ut hvem noen er" in html, html
    assert "kan navngi en person" not in html


def test_a_report_gets_its_hint_while_it_is_written(client_for):
    """The report form asks for the quiet hint on a pause in typing (htmx); it says nothing for a plain text,
    and a plain request to it goes to the form. Nothing is filed either way."""
    client, _ = client_for(Role.NEIGHBOUR)
    form = client.get("/meld-fra/").get_data(as_text=True)
    assert 'hx-post="/meld-fra/ordlyd"' in form and 'hx-target="#text-wording-live"' in form
    assert 'id="text-wording-live"' in form
    hint = client.post("/meld-fra/ordlyd", data={"text": LABEL}, headers=HX).get_data(as_text=True)
    assert 'id="text-wording"' in hint and "Narkisene" in hint and "post_anyway" not in hint
    quiet = client.post("/meld-fra/ordlyd", data={"text": PLAIN}, headers=HX).get_data(as_text=True)
    assert 'id="text-wording-live"' in quiet and 'id="text-wording"' not in quiet
    plain = client.post("/meld-fra/ordlyd", data={"text": LABEL})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/meld-fra/")
    assert count(SituationReport) == 0
