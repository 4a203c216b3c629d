"""No input ever produces a 500: every endpoint, fed control characters, huge, malformed and hostile values."""
import pytest

from naborad.models import Role

from .conftest import log_in
from .test_access import MATRIX

FIELDS = ["title", "body", "text", "why", "reason", "place", "name", "q", "email", "login", "password", "confirm",
          "summary", "notes", "decision", "what", "message", "label", "display_name", "full_name", "phone",
          "username", "code", "role", "status", "category", "guests", "dietary_note", "capacity", "starts_at",
          "ends_at", "deadline", "happened_at", "due", "meeting_id", "assignee_id", "assignee_name", "answer",
          "coming", "minutes_planned", "phase", "form_token", "contact_way", "contact_detail", "response",
          "outcome", "slots", "advice", "situation", "hours", "position", "lang", "next", "locale", "issue_id",
          "video_url", "max_guests", "show_name", "post_anyway", "confirm", "include_premeetings", "side", "person",
          "ny_side", "sett_side", "lukket_side", "mine", "wording_replace", "unheard_reason", "from_meeting"]

# A real server refuses a request line over a few KB (gunicorn: 4094 bytes) before the app sees it, so GET
# requests carry each nasty value cut to this many characters; POST bodies carry them whole.
GET_VALUE_CHARS = 40

NASTY = ["\x00", "x\x00y\x1b", "ä" * 5000, "-1", "99999999999999999999", "2026-02-30T25:61", "' OR 1=1 --",
         "<script>alert(1)</script>", "%", "../../etc/passwd", " ", "NaN"]


@pytest.mark.parametrize("shift", [0, 5], ids=["pass-a", "pass-b"])
@pytest.mark.parametrize("role", [Role.STAFF, Role.RESIDENT, Role.CHAIR])
def test_no_endpoint_answers_500_to_bad_input(client, make_user, samples, role, shift):
    user = make_user(role)
    log_in(client, user.username)
    # Every field gets a nasty value; the two passes give each field a different one.
    data = {field: NASTY[(n + shift) % len(NASTY)] for n, field in enumerate(FIELDS)}
    query = {field: value[:GET_VALUE_CHARS] for field, value in data.items()}
    failures = []
    for (endpoint, method), (path, *_) in MATRIX.items():
        if endpoint in ("auth.logout", "static"):
            continue
        url = path.format(**samples)
        response = client.open(url, method=method, data=data if method == "POST" else None,
                               query_string=query if method == "GET" else None)
        if response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
        response.close()
    assert not failures, failures
