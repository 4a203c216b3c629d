"""Every feature has the same shape (docs/architecture.md): the blueprint in __init__.py, routes in
views.py, commands in cli.py, demo data in demo.py; no dead model column; imports at the top."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "naborad"
FEATURES = sorted(p.parent for p in PACKAGE.glob("*/__init__.py") if p.parent.name != "models")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _decorators(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                yield node, ast.unparse(target)


def test_every_feature_has_views_and_its_blueprint_alone_in_init():
    for feature in FEATURES:
        assert (feature / "views.py").exists(), f"{feature.name} has no views.py"
        routes = [f.name for f, name in _decorators(_tree(feature / "__init__.py")) if name.startswith("bp.")]
        assert not routes, f"{feature.name}/__init__.py defines {routes}: routes go in views.py"


def test_commands_live_in_cli_modules():
    for path in PACKAGE.rglob("*.py"):
        commands = [f.name for f, name in _decorators(_tree(path)) if name.endswith("cli.command")]
        assert not commands or path.name == "cli.py", f"{path.relative_to(PACKAGE)} defines commands {commands}"


def test_demo_data_lives_in_each_features_demo_module():
    """naborad/cli.py only calls the features' loaders, in order; each one is the feature's demo.load_demo."""
    for path in PACKAGE.rglob("*.py"):
        loaders = [n.name for n in ast.walk(_tree(path))
                   if isinstance(n, ast.FunctionDef) and n.name.startswith("load_demo")]
        expected = ["load_demo"] if path.name == "demo.py" else ["load_demo_data"] if path == PACKAGE / "cli.py" else []
        assert loaders == expected, f"{path.relative_to(PACKAGE)} defines {loaders}"
    called = [ast.unparse(n.func) for n in ast.walk(_tree(PACKAGE / "cli.py"))
              if isinstance(n, ast.Call) and ast.unparse(n.func).endswith("_demo.load_demo")]
    demos = {p.parent.name for p in PACKAGE.glob("*/demo.py")}
    assert {c.split("_demo.")[0] for c in called} == demos == \
        {"members", "contact", "issues", "meetings", "premeeting", "reports", "events", "council_health"}


def test_imports_are_at_the_top_unless_a_cycle_forces_one():
    """A function-local import only where an import cycle forces it, with a comment on its line naming
    the cycle ("# cycle: ...")."""
    local = []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for function in ast.walk(ast.parse(source)):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and "# cycle:" not in lines[node.lineno - 1]:
                    local.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not local, f"imports inside functions: {sorted(set(local))}"
