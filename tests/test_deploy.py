"""Issue 23: the deployment examples in deploy/ (they cannot be built or started here: no container daemon, no
systemd). What can be checked is: every command they run exists in the app's CLI with the options given,
gunicorn takes its settings file, the image is built from Makefile targets that exist, the proxies send HSTS,
and the settings template lists exactly the settings naborad/config.py reads."""
import ast
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from naborad import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def _commands() -> list[tuple[str, list[str]]]:
    """(file, argv) of every command the deployment files run."""
    found = []
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if re.match(r"ExecStart(Pre)?=", line):
                found.append((unit.name, shlex.split(line.split("=", 1)[1])))
    for name in ("compose.yaml", "Dockerfile"):
        for match in re.finditer(r"(?:command:|CMD)\s*(\[.*\])", (DEPLOY / name).read_text()):
            found.append((name, json.loads(match.group(1))))
    return found


def _app_args(argv: list[str]) -> list[str] | None:
    """What follows `flask --app naborad` in argv, or None for another program."""
    if not argv[0].endswith("flask"):
        return None
    assert argv[1:3] == ["--app", "naborad"], argv
    return argv[3:]


def test_the_files_run_the_web_server_the_mail_worker_the_scheduler_and_the_migrations():
    commands = _commands()
    ran = {" ".join(args[:2] if args[0] == "db" else args[:1]) for _, argv in commands
           if (args := _app_args(argv))}
    assert ran >= {"send-mail", "run-jobs", "db upgrade"}, ran
    assert {name for name, argv in commands if argv[0].endswith("gunicorn")} == \
        {"naborad-web.service", "compose.yaml", "Dockerfile"}
    timer = (DEPLOY / "naborad-jobs.timer").read_text()
    assert "OnCalendar=*-*-* *:*:00" in timer  # every minute
    assert "ExecStart=/opt/naborad/.venv/bin/flask --app naborad run-jobs\n" in (DEPLOY / "naborad-jobs.service").read_text()


@pytest.mark.parametrize("where,argv", [c for c in _commands() if _app_args(c[1])],
                         ids=[f"{n}:{' '.join(a[3:])}" for n, a in _commands() if _app_args(a)])
def test_every_app_command_exists_with_its_options(app, where, argv):
    args = _app_args(argv)
    command = args[:2] if args[0] == "db" else args[:1]
    result = app.test_cli_runner().invoke(args=[*command, "--help"])
    assert result.exit_code == 0, f"{where}: `flask --app naborad {' '.join(command)}` is no command"
    for option in (a for a in args[len(command):] if a.startswith("--")):
        assert option in result.output, f"{where}: {' '.join(command)} has no option {option}"


def test_gunicorn_takes_the_settings_file_and_the_app(tmp_path):
    for where, argv in _commands():
        if argv[0].endswith("gunicorn"):
            assert argv[-1] == "wsgi:app" and argv[argv.index("-c") + 1] == "deploy/gunicorn.conf.py", where
    env = {**os.environ, "NABORAD_SECRET_KEY": "x" * 40, "NABORAD_DATABASE_URL": f"sqlite:///{tmp_path}/c.sqlite3"}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py",
                             "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_image_is_built_with_makefile_targets_and_the_proxies_send_hsts():
    targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))
    runs = re.findall(r"^RUN make ([\w -]+?)(?: PYTHON=\S+)?(?: \\|$)", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert runs and all(set(r.split()) <= targets for r in runs), (runs, targets)
    for proxy in ("nginx.conf", "Caddyfile"):
        text = (DEPLOY / proxy).read_text()
        assert "Strict-Transport-Security" in text and "max-age=31536000" in text, proxy
    assert "listen 443 ssl" in (DEPLOY / "nginx.conf").read_text()


def config_settings() -> set[str]:
    """Every NABORAD_* variable naborad/config.py reads: the keys of ENV_SETTINGS (prefixed), and any other
    NABORAD_* name it spells out."""
    source = (ROOT / "naborad" / "config.py").read_text()
    tree = ast.parse(source)
    prefix = next(node.value.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and any(getattr(t, "id", None) == "ENV_PREFIX" for t in node.targets))
    settings = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    and any(getattr(t, "id", None) == "ENV_SETTINGS" for t in node.targets))
    names = {prefix + key.value for key in settings.keys}
    names |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and re.fullmatch(r"NABORAD_[A-Z0-9_]+", node.value)}
    return names


def test_the_settings_template_lists_exactly_the_settings_config_reads():
    listed = re.findall(r"^#?\s*(NABORAD_[A-Z0-9_]+)=", (DEPLOY / "naborad.env.example").read_text(), re.M)
    assert len(listed) == len(set(listed)), "a setting is listed twice"
    read = config_settings()
    assert set(listed) == read, {"missing": sorted(read - set(listed)), "not read": sorted(set(listed) - read)}
    readme = (ROOT / "README.md").read_text()
    assert not [name for name in read if name not in readme], "every setting is in the README's table too"


def test_the_template_has_a_meaning_for_every_setting():
    lines = (DEPLOY / "naborad.env.example").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"#?\s*NABORAD_[A-Z0-9_]+=", line):
            assert lines[i - 1].startswith("#") or re.match(r"NABORAD_[A-Z0-9_]+=", lines[i - 1]), line
