"""The shape the domain layer promises (docs/architecture.md): thin views, rules in services."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "naborad"
VIEW_MODULES = sorted(PACKAGE.glob("*/*views.py"))
# Lines per views module, where the issue that split them set a limit.
MODULE_LIMITS = {"meetings": 350, "events": 350, "premeeting": 300, "issues": 300}
LONGEST_VIEW = 40
# Names a view must not use: these are rules and cross-feature writes, the services' business.
RULE_NAMES = {"notify", "IssueEvent", "record_event", "MeetingStatus", "refresh_search_text",
              "on_published_agenda", "end_all_sessions"}


def _views(tree):
    """Functions registered as routes (decorated with `@bp.route`/`@bp.get`/`@bp.post`)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("route", "get", "post")
                for d in node.decorator_list):
            yield node


@pytest.mark.parametrize("module", VIEW_MODULES, ids=[f"{m.parent.name}.{m.stem}" for m in VIEW_MODULES])
def test_views_are_thin(module):
    source = module.read_text()
    tree = ast.parse(source)
    limit = MODULE_LIMITS.get(module.parent.name) if module.name == "views.py" else None
    lines = len(source.splitlines())
    assert limit is None or lines <= limit, f"{module.parent.name}/views.py has {lines} lines (at most {limit})"
    long = {f.name: f.end_lineno - f.lineno + 1 for f in _views(tree) if f.end_lineno - f.lineno + 1 > LONGEST_VIEW}
    assert not long, f"view functions longer than {LONGEST_VIEW} lines in {module.parent.name}: {long}"


@pytest.mark.parametrize("module", VIEW_MODULES, ids=[f"{m.parent.name}.{m.stem}" for m in VIEW_MODULES])
def test_views_leave_rules_to_services(module):
    tree = ast.parse(module.read_text())
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
        {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not used & RULE_NAMES, f"{module.parent.name}/views.py uses {sorted(used & RULE_NAMES)}: " \
        "a status guard, notification or cross-feature write belongs in the service"
