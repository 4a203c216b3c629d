"""The pre-meeting's privacy boundary: only naborad/premeeting/outflows.py writes council rows from pre-meeting data.

The rule is checked on the source (`ast`), for every module under naborad/:

A module *touches pre-meeting data* when it lives in naborad/premeeting/, names a pre-meeting model
(PreMeeting, PreMeetingItem, PreMeetingComment, PreMeetingResponse), or imports from
naborad.models.premeeting or from a naborad.premeeting module. Importing outflows (the sanctioned
way out) or demo (a loader that hands nothing back) does not count.

A touching module other than outflows.py:

1. names no council model (COUNCIL_MODELS) at all, unless it is on the READ_ONLY list below, where
   each entry says why it reads council rows;
2. and, read-only or not, writes no council row. A write is:
   - calling a council model (a constructor) or a helper that writes council rows
     (COUNCIL_WRITERS), or importing a council feature's service;
   - `session.add/add_all/merge/delete/bulk_*(x)`, `update/insert/delete(x)`, `x.update()`,
     `create_once(x, ...)` or `setattr(x, ...)` where x may be a council model or council object;
   - assigning to (or deleting) an attribute or item of a council-valued name (ALLOWED_WRITES
     lists the one exception, with its reason);
   - a notification whose subject is a council thing ("meeting", "proposal", ...), outside the
     notifications feature itself, or raw SQL that writes a council table.

A name is council-valued when, in its function or an enclosing one, it is bound from an expression
that names a council model, uses a council-valued name or calls a function that may return council
objects, or it is a parameter annotated with a council model. A function may return council
objects when its return annotation names a council model or a returned expression is
council-valued; functions are matched by name across naborad/. Both err on the side of suspicion:
only a new pre-meeting row, a response (render, redirect) or a yes/no is taken as certainly not a
council object.

A second, simpler rule covers every module, touching or not: the council-side copies of what leaves
the room (AgendaItem.residents_summary, residents_heard, from_premeeting) are set nowhere but in
outflows.py (WIRING_PENDING names a module that is still to call it instead).

What the static rule cannot see: a council object that reaches a function through a parameter
without an annotation. The functions of premeeting/service.py annotate theirs, and
tests/test_premeeting_service.py runs them under a flush listener that fails on any council row.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import naborad
import naborad.models  # noqa: F401  (every mapper, for the council table names)
from naborad.extensions import db

ROOT = Path(naborad.__file__).parent
OUTFLOWS = "naborad.premeeting.outflows"
PREMEETING_MODELS = {"PreMeeting", "PreMeetingItem", "PreMeetingComment", "PreMeetingResponse"}
# Every table of the council's meetings and issues (a test below keeps the list complete).
COUNCIL_MODELS = {"Meeting", "AgendaItem", "ActionItem", "MeetingResponse", "Issue", "Reply", "IssueEvent",
                  "IssueFollow", "MeetingSeries", "SeriesException"}  # the series: issue 21
# Helpers that create or change council rows.
COUNCIL_WRITERS = {"standing_items", "refresh_search_text", "record_event", "on_published_agenda"}
COUNCIL_SERVICES = ("naborad.meetings.service", "naborad.issues.service")
COUNCIL_SUBJECTS = {"meeting", "proposal", "action", "issue", "agenda_item"}
SESSION_WRITES = {"add", "add_all", "merge", "delete", "bulk_save_objects", "bulk_insert_mappings",
                  "bulk_update_mappings"}
STATEMENT_WRITES = {"update", "insert", "delete"}
# Calls that never give back a council object, whatever they are given: responses and plain values.
PLAIN = {"render", "render_template", "redirect_to", "redirect", "make_response", "error_response", "abort",
         "len", "bool", "int", "str", "url_for"}
NO_DESCEND = (ast.FunctionDef, ast.AsyncFunctionDef)

# Modules that touch pre-meeting data and may *read* council rows, and why.
READ_ONLY = {
    "naborad.access": "the visibility queries and object loaders of every feature",
    "naborad.auth.account": "the member's own data export",
    "naborad.models": "re-exports every model",
    "naborad.notifications.calendar_feed": "a member's calendar: council meetings and (if chosen) pre-meetings",
    "naborad.notifications.jobs": "reminders for meetings, events and pre-meetings the member said yes to",
    "naborad.notifications.service": "checks that a member may still read a notification's subject",
    "naborad.pages.service": "the dashboard: next council meeting and next pre-meeting",
    "naborad.premeeting.service": "imports the council agenda and offers the council meetings to prepare",
    "naborad.premeeting.demo": "demo data: prepares the demo council meeting's items",
    "naborad.council_health.warnings": "staff's key-person warning: no pre-meeting before the last two council "
                                       "meetings (reads only; never computed for the chair)",
}
# The notifications feature itself tells members about every kind of thing (not from pre-meeting data).
NOTIFIERS = {"naborad.notifications.jobs", "naborad.notifications.service"}
# (module, attribute): the one council write a touching module makes, and why.
ALLOWED_WRITES = {
    # Demo data only: the council-side flag the chair sets in real use; no pre-meeting data goes into it.
    ("naborad.premeeting.demo", "concerns_residents"),
}


# -- the checker ---------------------------------------------------------------------------

def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Every module (and module.name) this module imports, relative imports resolved."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = name.split(".") if is_package else name.split(".")[:-1]
            if node.level:
                base = base[:len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _names(node: ast.AST) -> set[str]:
    """Every name, attribute name and imported name in a piece of code."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            out.add(n.attr)
        elif isinstance(n, ast.alias):
            out.add(n.name.split(".")[-1])
    return out


def _call_name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else \
        call.func.attr if isinstance(call.func, ast.Attribute) else None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def touches_premeeting(tree: ast.Module, name: str, is_package: bool) -> bool:
    if name == "naborad.premeeting" or name.startswith("naborad.premeeting."):
        return True
    if _names(tree) & PREMEETING_MODELS:
        return True
    for imported in _imported(tree, name, is_package):
        if imported.startswith("naborad.models.premeeting"):
            return True
        if imported.startswith("naborad.premeeting.") and not imported.startswith(
                (OUTFLOWS, "naborad.premeeting.demo")):
            return True
    return False


def _scope_nodes(scope: ast.AST):
    """The nodes of one function (or the module), without the bodies of functions defined inside it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, NO_DESCEND):
            stack.extend(ast.iter_child_nodes(node))


def _mentions_council(expr: ast.AST | None, tainted: set[str], council_funcs: set[str]) -> bool:
    """Does the expression name a council model, call a council-returning function or use a
    council-valued name? A new pre-meeting row or an HTTP response is not, even if it uses council fields."""
    if expr is None or isinstance(expr, ast.Call) and _call_name(expr) in PREMEETING_MODELS | PLAIN:
        return False
    if isinstance(expr, (ast.Compare, ast.UnaryOp, ast.Constant)):
        return False  # a yes/no about council rows is no council row
    if isinstance(expr, ast.IfExp):  # the value is one of the branches, whatever the test reads
        return any(_mentions_council(e, tainted, council_funcs) for e in (expr.body, expr.orelse))
    for n in ast.walk(expr):
        if isinstance(n, ast.Name) and (n.id in COUNCIL_MODELS or n.id in tainted and isinstance(n.ctx, ast.Load)):
            return True
        if isinstance(n, ast.Attribute) and n.attr in COUNCIL_MODELS:
            return True
        if isinstance(n, ast.Call) and _call_name(n) in council_funcs:
            return True
    return False


def _bound(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _council_valued(scope: ast.AST, inherited: set[str], council_funcs: set[str]) -> set[str]:
    """The names in this scope that may hold council objects."""
    tainted = set(inherited)
    if isinstance(scope, NO_DESCEND):
        args = scope.args
        tainted |= {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs
                    if a.annotation is not None and _names(a.annotation) & COUNCIL_MODELS}
    nodes = list(_scope_nodes(scope))
    while True:
        before = len(tainted)

        def council(expr):
            return _mentions_council(expr, tainted, council_funcs)
        for node in nodes:
            if isinstance(node, ast.Assign) and council(node.value):
                tainted |= set().union(*(_bound(t) for t in node.targets))
            elif isinstance(node, (ast.AugAssign, ast.NamedExpr)) and council(node.value):
                tainted |= _bound(node.target)
            elif isinstance(node, ast.AnnAssign) and (council(node.value) or council(node.annotation)):
                tainted |= _bound(node.target)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and council(node.iter):
                tainted |= _bound(node.target)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None and council(node.context_expr):
                tainted |= _bound(node.optional_vars)
        if len(tainted) == before:
            return tainted


def council_returning(trees) -> set[str]:
    """Names of the functions (anywhere in naborad/) that may return council objects."""
    functions = [fn for tree in trees for fn in ast.walk(tree) if isinstance(fn, NO_DESCEND)]
    found: set[str] = set()
    while True:
        before = len(found)
        for fn in functions:
            if fn.name in found:
                continue
            tainted = _council_valued(fn, set(), found)
            returns = [n.value for n in _scope_nodes(fn) if isinstance(n, ast.Return)]
            if (fn.returns is not None and _names(fn.returns) & COUNCIL_MODELS) or any(
                    _mentions_council(r, tainted, found) for r in returns):
                found.add(fn.name)
        if len(found) == before:
            return found


def _council_object(expr: ast.AST | None, tainted: set[str], council_funcs: set[str]) -> bool:
    """May this expression be a council object, a council model, or a collection of them?"""
    if isinstance(expr, ast.Name):
        return expr.id in tainted or expr.id in COUNCIL_MODELS
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        return _root(expr) in tainted or bool(_names(expr) & COUNCIL_MODELS)
    if isinstance(expr, ast.Call):  # a council constructor or function, or a query on a council model
        return (_call_name(expr) in COUNCIL_MODELS | council_funcs
                or isinstance(expr.func, ast.Attribute) and _council_object(expr.func.value, tainted, council_funcs)
                or any(_council_object(a, tainted, council_funcs) for a in expr.args))
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return any(_council_object(e, tainted, council_funcs) for e in expr.elts)
    if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return _council_object(expr.elt, tainted, council_funcs)
    if isinstance(expr, ast.Starred):
        return _council_object(expr.value, tainted, council_funcs)
    if isinstance(expr, ast.IfExp):
        return any(_council_object(e, tainted, council_funcs) for e in (expr.body, expr.orelse))
    return False


def _writes(call: ast.Call, tainted: set[str], council_funcs: set[str]) -> bool:
    """`session.add/delete/merge/...(council object)`, `update/insert/delete(CouncilModel)`,
    `<council query>.update()`, `create_once(CouncilModel, ...)`, `setattr(council object, ...)`."""
    called, func = _call_name(call), call.func
    first = call.args[0] if call.args else call.keywords[0].value if call.keywords else None
    if isinstance(func, ast.Attribute) and "session" in _names(func.value):
        return called in SESSION_WRITES and _council_object(first, tainted, council_funcs)
    if isinstance(func, ast.Attribute) and called in STATEMENT_WRITES and _council_object(
            func.value, tainted, council_funcs):
        return True  # AgendaItem.__table__.update(), session.query(AgendaItem).filter(...).delete()
    return called in STATEMENT_WRITES | {"create_once", "setattr"} and _council_object(first, tainted, council_funcs)


def _subject(call: ast.Call) -> ast.AST | None:
    """The subject type of `notify(members, kind, subject_type, id)` or `Notification(subject_type=...)`."""
    for keyword in call.keywords:
        if keyword.arg == "subject_type":
            return keyword.value
    return call.args[2] if _call_name(call) == "notify" and len(call.args) > 2 else None


def _raw_sql_writes(text: str, council_tables) -> str | None:
    words = text.lower().replace("(", " ").split()
    for verb, table in zip(words, words[1:]):
        if verb in ("update", "into") or (verb == "from" and "delete" in words):
            if table.strip('"`') in council_tables:
                return table
    return None


def council_writes(source: str, name: str, *, is_package: bool = False, council_funcs: set[str] | None = None,
                   council_tables=frozenset({"meeting", "agenda_item"})) -> list[str]:
    """What this module does that the boundary forbids (empty when it keeps to the rule)."""
    tree = ast.parse(source)
    if name == OUTFLOWS or not touches_premeeting(tree, name, is_package):
        return []
    council_funcs = council_returning([tree]) if council_funcs is None else council_funcs
    found = []

    def report(node, what):
        line = f"{name}:{getattr(node, 'lineno', 1)}: {what}"
        if line not in found:
            found.append(line)

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for imported in _imported(node, name, is_package):
                if imported.startswith(COUNCIL_SERVICES):
                    report(node, f"imports {imported}, which writes council rows")
        if name in READ_ONLY:
            continue
        named = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else \
            node.name.split(".")[-1] if isinstance(node, ast.alias) else None
        if named in COUNCIL_MODELS:
            report(node, f"names the council model {named} (not a read-only module)")

    def check(scope, inherited):
        tainted = _council_valued(scope, inherited, council_funcs)
        for node in _scope_nodes(scope):
            if isinstance(node, NO_DESCEND):
                check(node, tainted)
            elif isinstance(node, ast.Call):
                called = _call_name(node)
                if called in COUNCIL_MODELS:
                    report(node, f"creates a council row ({called}(...))")
                elif called in COUNCIL_WRITERS:
                    report(node, f"calls {called}(), which writes council rows")
                elif _writes(node, tainted, council_funcs):
                    report(node, f"writes council rows ({ast.unparse(node)[:70]})")
                subject = _subject(node)
                if name not in NOTIFIERS and isinstance(subject, ast.Constant) and subject.value in COUNCIL_SUBJECTS:
                    report(node, f"notifies about a council {subject.value}")
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for part in (p for t in targets for p in ast.walk(t)):
                    if isinstance(part, (ast.Attribute, ast.Subscript)) and isinstance(
                            part.ctx, (ast.Store, ast.Del)) and _root(part) in tainted:
                        if (name, getattr(part, "attr", None)) not in ALLOWED_WRITES:
                            report(node, f"changes a council row ({ast.unparse(part)})")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                table = _raw_sql_writes(node.value, council_tables)
                if table:
                    report(node, f"raw SQL writes the council table {table}")
    check(tree, set())
    return found


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        yield path, module_name(path), path.name == "__init__.py", path.read_text(encoding="utf-8")


def _council_tables() -> set[str]:
    return {mapper.class_.__tablename__ for mapper in db.Model.registry.mappers
            if mapper.class_.__name__ in COUNCIL_MODELS}


# -- the rule holds for naborad/ ----------------------------------------------------------------

def test_only_outflows_write_council_rows_from_premeeting_data():
    modules = list(_modules())
    council_funcs = council_returning([ast.parse(source) for *_, source in modules])
    tables = _council_tables()
    assert {"meeting", "agenda_item"} <= tables
    found = [line for path, name, is_package, source in modules
             for line in council_writes(source, name, is_package=is_package, council_funcs=council_funcs,
                                        council_tables=tables)]
    assert found == [], "\n".join(found)


# The council-side copies of what leaves the room: only outflows.py sets them.
OUTFLOW_FIELDS = {"residents_summary", "residents_heard", "from_premeeting"}
# Modules that still set an outflow field themselves, until they call outflows.py.
WIRING_PENDING: dict[str, str] = {}


def outflow_field_writes(source: str, name: str) -> list[str]:
    """Assignments to an outflow field, or the field given as a keyword (`AgendaItem(residents_heard=...)`,
    `update(AgendaItem).values(residents_summary=...)`), outside outflows.py."""
    if name == OUTFLOWS:
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in OUTFLOW_FIELDS:
            found.append(f"{name}:{node.lineno}: sets {node.attr}")
        elif isinstance(node, ast.Call):
            found += [f"{name}:{node.lineno}: sets {k.arg}" for k in node.keywords if k.arg in OUTFLOW_FIELDS]
            found += [f"{name}:{node.lineno}: setattr(..., {a.value!r})" for a in node.args[1:2]
                      if _call_name(node) == "setattr" and isinstance(a, ast.Constant) and a.value in OUTFLOW_FIELDS]
    return found


def test_only_outflows_set_the_council_copies_of_what_leaves_the_room():
    found = {name: outflow_field_writes(source, name) for path, name, is_package, source in _modules()}
    unexpected = [line for name, lines in found.items() if name not in WIRING_PENDING for line in lines]
    assert unexpected == [], "\n".join(unexpected)
    done = [name for name in WIRING_PENDING if not found.get(name)]
    assert done == [], f"{done} no longer set an outflow field themselves: take them off WIRING_PENDING"


@pytest.mark.parametrize("source", [
    "def f(item):\n    item.residents_heard = not item.residents_heard\n",
    "def f(m):\n    return AgendaItem(meeting_id=m, from_premeeting=True)\n",
    "def f():\n    db.session.execute(update(AgendaItem).values(residents_summary=None))\n",
    "def f(item):\n    setattr(item, 'residents_summary', 'x')\n",
])
def test_an_outflow_field_set_outside_outflows_is_reported(source):
    assert outflow_field_writes(source, "naborad.meetings.service")
    assert outflow_field_writes(source, OUTFLOWS) == []


def test_the_read_only_list_names_modules_that_exist_and_touch_premeeting_data():
    touching = {name for path, name, is_package, source in _modules()
                if touches_premeeting(ast.parse(source), name, is_package)}
    assert set(READ_ONLY) <= touching, set(READ_ONLY) - touching
    assert {module for module, _ in ALLOWED_WRITES} <= set(READ_ONLY)


def test_the_council_model_list_is_complete():
    from naborad.models import issues, meetings
    defined = {cls.__name__ for module in (issues, meetings) for _, cls in inspect.getmembers(module, inspect.isclass)
               if cls.__module__ == module.__name__ and hasattr(cls, "__tablename__")}
    assert defined == COUNCIL_MODELS


def test_the_outflows_module_is_where_the_three_outflows_are():
    from naborad.premeeting import outflows
    public = {n for n, f in inspect.getmembers(outflows, inspect.isfunction)
              if f.__module__ == outflows.__name__ and not n.startswith("_")}
    assert public == {"save_summary", "share_summary", "withdraw_summary", "may_raise", "raise_to_council",
                      "set_residents_heard"}
    for function in public:
        assert "council" in getattr(outflows, function).__doc__.lower()  # each says what it writes there


# -- the checker fires --------------------------------------------------------------------------

PREMEETING_IMPORT = "from ..models import AgendaItem, Meeting, PreMeetingItem\nfrom ..extensions import db\n"


@pytest.mark.parametrize("module, body", [
    ("naborad.issues.views", "def f(item: PreMeetingItem):\n    db.session.add(AgendaItem(title=item.title))\n"),
    ("naborad.access", "def f(item: PreMeetingItem):\n    db.session.add(AgendaItem(title=item.title))\n"),
    ("naborad.premeeting.service",
     "def f(item: PreMeetingItem):\n    council = db.session.get(AgendaItem, item.agenda_item_id)\n"
     "    council.residents_summary = item.summary\n"),
    ("naborad.premeeting.service",
     "def council_of(item):\n    return db.session.get(AgendaItem, item.agenda_item_id)\n"
     "def f(item: PreMeetingItem):\n    council_of(item).why = item.text\n"
     "    other = council_of(item)\n    other.title, x = item.title, 1\n"),
    ("naborad.premeeting.service",
     "from sqlalchemy import update\ndef f(item: PreMeetingItem):\n"
     "    db.session.execute(update(AgendaItem).values(residents_summary=item.summary))\n"),
    ("naborad.premeeting.service",
     "def f(item: PreMeetingItem, council: AgendaItem):\n    council.residents_heard = True\n"),
    ("naborad.premeeting.service",
     "def f(items: list[PreMeetingItem]):\n    for c in db.session.scalars(select(AgendaItem)):\n"
     "        setattr(c, 'title', items[0].title)\n"),
    ("naborad.premeeting.service",
     "from ..notifications.service import notify\ndef f(item: PreMeetingItem, people):\n"
     "    notify(people, 'agenda_published', 'meeting', item.premeeting.meeting_id)\n"),
    ("naborad.premeeting.service",
     "from sqlalchemy import text\ndef f(item: PreMeetingItem):\n"
     "    db.session.execute(text('UPDATE agenda_item SET why = :w'), {'w': item.text})\n"),
    ("naborad.premeeting.service",
     "from ..models.meetings import refresh_search_text\ndef f(item: PreMeetingItem, c):\n"
     "    refresh_search_text(c)\n"),
    ("naborad.premeeting.views", "def f(item):\n    return db.session.get(AgendaItem, item.agenda_item_id)\n"),
    ("naborad.pages.views", "from ..premeeting.service import page_data\nfrom ..meetings.service import publish\n"),
    ("naborad.premeeting.demo", "def f(item: PreMeetingItem):\n    m = db.session.get(Meeting, 1)\n"
     "    m.place = item.title\n"),
])
def test_the_checker_reports_a_council_write_from_premeeting_data(module, body):
    assert council_writes(PREMEETING_IMPORT + body, module)


@pytest.mark.parametrize("module, source", [
    # The council's own modules write council rows; they hold no pre-meeting data.
    ("naborad.meetings.views", "from ..models import AgendaItem\nfrom ..extensions import db\n"
                               "def f(m):\n    db.session.add(AgendaItem(meeting_id=m.id))\n"),
    # The council calls the outflow for the "residents heard" mark.
    ("naborad.meetings.views", "from ..premeeting import outflows\nfrom ..models import AgendaItem\n"
                               "def f(i: AgendaItem):\n    i.title = 'x'\n    outflows.set_residents_heard(i, True)\n"),
    (OUTFLOWS, PREMEETING_IMPORT + "def f(item):\n    db.session.add(AgendaItem(title=item.title))\n"),
    # Reading council rows in a read-only module, and writing pre-meeting rows, are fine.
    ("naborad.premeeting.service",
     PREMEETING_IMPORT + "def f(item: PreMeetingItem):\n    c = db.session.get(AgendaItem, item.agenda_item_id)\n"
     "    item.title = c.title\n    db.session.add(PreMeetingItem(title=c.title))\n"),
])
def test_the_checker_lets_council_code_and_reading_be(module, source):
    assert council_writes(source, module) == []
