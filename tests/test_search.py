"""Search through the database's own full-text index (issue 16, item 5): the same results on SQLite (FTS5) and
PostgreSQL (tsvector), folding æ/ø/å as before; the suite runs this module on both databases."""
import random
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from naborad.extensions import db
from naborad.issues import service as issues
from naborad.meetings import service as meetings
from naborad.models import AgendaItem, Issue, ItemState, Meeting, MeetingStatus, Role, search_key, utcnow
from naborad.search import TOKEN, matches, word_variants

from .helpers import queries_for

ISSUES = {  # name: (title, body, place, category)
    "litter": ("Søppel ved containeren", "Lokket er ødelagt, og «måkene» tar alt.", "Bakgården", "litter"),
    "noise": ("Høy musikk", "Etter klokka 23.30 hver fredag – og lørdag…", None, "noise"),
    "parking": ("Parkering", "Biler på fortauet ved Åsen skole.", "Åsenveien 3", "traffic"),
    "mail": ("E-post fra styret", "Skriv til ola@naborad.no eller ring.", None, "other"),
    "cafe": ("Kafé på lørdag", "Ærlig talt: Straße-fest med øl.", None, "cooperation"),
}

# query: the issues it finds (every word must match: a word of the text it starts, or the category it names)
EXPECTED = {
    "søppel": {"litter"}, "SØPPEL": {"litter"}, "soppel": {"litter"}, "soeppel": {"litter"},
    "sopp": {"litter"},                      # the start of a word
    "ntainer": set(),                        # not a piece from its middle
    "container lokk": {"litter"},            # every word, each a start
    "container fortau": set(),
    "måkene": {"litter"}, "makene": {"litter"}, "«måkene»": {"litter"},
    "åsen": {"parking"}, "aasen": {"parking"}, "ÅSENVEIEN": {"parking"},
    "e-post": {"mail"}, "e-po": {"mail"}, "post": {"mail"}, "ola@naborad.no": {"mail"}, "naborad": {"mail"},
    "no": {"mail"},                          # "naborad.no" is two words on both databases
    "23": {"noise"}, "23.30": {"noise"}, "30": {"noise"},
    "kafe": {"cafe"}, "kafé": {"cafe"}, "aerlig": {"cafe"}, "ærlig": {"cafe"}, "strasse": {"cafe"},
    "straße-fest": {"cafe"}, "øl": {"cafe", "mail"}, "ol": {"cafe", "mail"},  # "ola"
    "lordag": {"noise", "cafe"}, "lørdag…": {"noise", "cafe"},
    "støy": {"noise"}, "noise": {"noise"}, "trafikk": {"parking"},  # the category's name
    "støy fredag": {"noise"}, "trafikk skole": {"parking"}, "trafikk fredag": set(),
    "ved": {"litter", "parking"}, "e": {"mail", "litter", "noise"},
    "!!! ved": {"litter", "parking"},        # a word without letters or digits is left out
    "???": set(ISSUES),                       # ... so nothing is asked
}


@pytest.fixture
def issue_ids(app, make_user):
    author = make_user(Role.NEIGHBOUR)
    made = {}
    for name, (title, body, place, category) in ISSUES.items():
        issue = Issue(title=title, body=body, place=place, category=category, author_id=author.id,
                      search_text=search_key(title, body, place))
        db.session.add(issue)
        db.session.flush()
        made[name] = issue.id
    db.session.commit()
    return made


def found(user, q) -> set[int]:
    return {issue.id for issue in issues.issue_page(user, q=q).rows}


def test_the_same_searches_find_the_same_issues_on_either_database(app, issue_ids, make_user):
    reader = make_user(Role.NEIGHBOUR)
    results = {q: found(reader, q) for q in EXPECTED}
    assert results == {q: {issue_ids[n] for n in names} for q, names in EXPECTED.items()}


@pytest.mark.parametrize("q", ['"soppel" OR x*', "sopp* NOT parkering", "NEAR(soppel lokket)", "søppel:*",
                               "sopp' | !x", "search_text:soppel", "{title}: x", "^soppel", "sopp & lokk", "\\soppel"])
def test_query_syntax_typed_by_a_member_is_only_words(app, issue_ids, make_user, q):
    """FTS5 and tsquery operators in what is typed neither break the page nor widen the search."""
    reader = make_user(Role.NEIGHBOUR)
    assert found(reader, q) <= {issue_ids["litter"]}, q


def test_the_index_follows_every_change(app, issue_ids, make_user):
    reader = make_user(Role.NEIGHBOUR)
    issue = db.session.get(Issue, issue_ids["parking"])
    issue.search_text = search_key("Sykler overalt")
    db.session.commit()
    assert found(reader, "sykler") == {issue.id} and found(reader, "fortauet") == set()
    db.session.delete(issue)
    db.session.commit()
    assert found(reader, "sykler") == set()
    assert found(reader, "soppel") == {issue_ids["litter"]}
    if db.engine.dialect.name == "sqlite":  # FTS5 compares its index with the issue table, row by row
        db.session.execute(text("INSERT INTO issue_search (issue_search, rank) VALUES ('integrity-check', 1)"))


def test_a_search_is_one_query_however_many_words(client, login_as, issue_ids):
    login_as(Role.NEIGHBOUR)
    one = queries_for(client, "/saker/?q=soppel")
    assert queries_for(client, "/saker/?q=" + "+".join(["søppel", "lokk", "støy", "e-post", "a"] * 2)) == one
    assert queries_for(client, "/saker/") == one


def test_eight_words_at_most_are_asked(app, issue_ids, make_user):
    reader = make_user(Role.NEIGHBOUR)
    eight = "søppel lokket ved containeren ! bakgården alt tar og"
    assert found(reader, eight) == found(reader, eight + " zqxvw") == {issue_ids["litter"]}
    assert found(reader, "søppel zqxvw") == set()


# Tricky pieces of text: Norwegian letters, accents, marks, addresses, numbers, hyphens and underscores.
PIECES = ["søppel", "søppelkasse", "containeren", "e-post", "ola@naborad.no", "www.naborad.no", "3.5", "23.30",
          "«måkene»", "–", "kafé", "Straße", "ærlig", "Åpen", "øl", "o'neil", "snake_case", "v2", "2026",
          "x-y-z", "a/b", "Ålesund", "naïve", "…", "(parentes)", "#1", "100%", "AaSen", "oe", "“sitat”", "Ørn"]


def _reference(text: str, q: str) -> bool:
    """What both databases must answer: every query word (or one of its aa/oe readings) is a run of the
    text's words, split as naborad.search splits them, the last one a prefix."""
    doc = TOKEN.findall(search_key(text))

    def has(tokens):
        return any(doc[i:i + len(tokens) - 1] == tokens[:-1] and doc[i + len(tokens) - 1].startswith(tokens[-1])
                   for i in range(len(doc) - len(tokens) + 1))
    asked = [w for w in search_key(q).split() if TOKEN.search(w)][:8]
    return all(any(has(TOKEN.findall(v)) for v in word_variants(w)) for w in asked)


def test_both_databases_answer_as_the_reference_does(app, make_user):
    """Random texts and queries from the tricky pieces: the database finds exactly the issues the reference
    finds (run on SQLite and on PostgreSQL, this is "the same results on both")."""
    rng = random.Random(5)
    author = make_user(Role.NEIGHBOUR)
    texts = [" ".join(rng.choice(PIECES) for _ in range(rng.randint(3, 9))) for _ in range(40)]
    issues = [Issue(title="t", body=t, category="other", author_id=author.id, search_text=search_key(t))
              for t in texts]
    db.session.add_all(issues)
    db.session.commit()
    queries = set(PIECES)
    for _ in range(150):
        piece = search_key(rng.choice(PIECES))
        queries.add(piece[:rng.randint(1, len(piece))])
        queries.add(f"{piece} {search_key(rng.choice(PIECES))[:3]}")
    sizes = set()
    for q in sorted(queries):
        got = set(db.session.scalars(select(Issue.id).where(*matches(Issue.search_text, q))))
        assert got == {i.id for i, t in zip(issues, texts) if _reference(t, q)}, q
        sizes.add(len(got))
    assert 0 in sizes and len(sizes) > 10  # some find nothing, others a few, others many


# -- the meetings archive and the decision log ------------------------------------------------------

def _past_meeting(status, title, decision, state=ItemState.ACCEPTED):
    meeting = Meeting(starts_at=utcnow() - timedelta(days=40), place="Fellesrommet", status=status)
    db.session.add(meeting)
    db.session.flush()
    db.session.add(AgendaItem(meeting_id=meeting.id, title=title, decision=decision, state=state, position=3,
                              search_text=search_key(title, decision)))
    db.session.commit()
    return meeting.id


def test_the_archive_searches_what_each_role_may_read(app, make_user):
    """Members search item titles only (a decision is theirs once the minutes are approved, in the decision
    log); moderators also the decisions. A proposal never on the agenda is found by no one."""
    held = _past_meeting(MeetingStatus.HELD, "Nye benker i parken", "Kjøpe tre benker av eik")
    _past_meeting(MeetingStatus.HELD, "Hemmelig forslag", "x", state=ItemState.PROPOSED)
    neighbour, chair = make_user(Role.NEIGHBOUR), make_user(Role.CHAIR)

    def archive(user, q):
        return [m.id for m in meetings.archive(user, q).rows]
    assert archive(neighbour, "benk") == archive(neighbour, "BENKER") == archive(neighbour, "parken") == [held]
    assert archive(neighbour, "eik") == archive(neighbour, "kjøpe") == []  # the decision is not theirs yet
    assert archive(chair, "eik") == archive(chair, "kjope") == archive(chair, "benker") == [held]
    assert archive(neighbour, "hemmelig") == archive(chair, "hemmelig") == []
    assert meetings.decisions("eik").rows == []  # not approved
    db.session.get(Meeting, held).status = MeetingStatus.APPROVED
    db.session.commit()
    assert [i.decision for i in meetings.decisions("kjope eik").rows] == ["Kjøpe tre benker av eik"]
    db.session.delete(db.session.get(Meeting, held))  # its items go with it (ON DELETE CASCADE)
    db.session.commit()
    assert archive(chair, "benker") == [] and meetings.decisions("eik").rows == []
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO agenda_item_search (agenda_item_search, rank) "
                                "VALUES ('integrity-check', 1)"))


def test_a_members_title_search_reads_the_title_alone(app, make_user):
    """The title index is the title as written (case-folded): a neighbour's search matches as before."""
    held = _past_meeting(MeetingStatus.HELD, "Søppel og GRØNT", "soppel")
    neighbour = make_user(Role.NEIGHBOUR)
    assert [m.id for m in meetings.archive(neighbour, "grønt søppel").rows] == [held]
    assert [m.id for m in meetings.archive(neighbour, "soppel").rows] == []  # only in the folded decision


# -- the migration -----------------------------------------------------------------------------------

def _search_objects() -> set[str]:
    inspector = inspect(db.engine)
    if db.engine.dialect.name == "postgresql":
        return {f"{t}.{c['name']}" for t in ("issue", "agenda_item") for c in inspector.get_columns(t)
                if c["name"].endswith("_vector")}
    return {t for t in inspector.get_table_names() if t.endswith("_search")}


def test_the_migration_builds_the_index_from_the_rows_there_and_removes_it(app, issue_ids, make_user):
    reader = make_user(Role.NEIGHBOUR)
    built = _search_objects()
    assert built == ({"issue.search_vector", "agenda_item.search_vector", "agenda_item.title_vector"}
                     if db.engine.dialect.name == "postgresql" else {"issue_search", "agenda_item_search"})
    db.session.remove()
    downgrade(revision="0080")
    try:
        assert _search_objects() == set()
        assert db.session.scalar(select(Issue.id).where(Issue.title == "Parkering")) == issue_ids["parking"]
    finally:
        db.session.remove()
        upgrade(revision="heads")
    assert _search_objects() == built
    assert found(reader, "aasen") == {issue_ids["parking"]}  # rows from before are in the index
