"""Issue 23, item 7: the soak script (scripts/soak.py) for 60 seconds against gunicorn on PostgreSQL: members
reading, replying, signing up and reporting, with no error. (A run of ten minutes or more is `make soak`.)"""
import os
import re
import subprocess
import sys

import pytest

from naborad import ROOT

pytestmark = pytest.mark.slow

SECONDS = int(os.environ.get("NABORAD_SOAK_SECONDS", "60"))


def test_a_minute_of_members_at_work_brings_no_error(fresh_database_url):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("the soak runs on PostgreSQL (NABORAD_TEST_DATABASE_URL; the PostgreSQL pass)")
    result = subprocess.run([sys.executable, "scripts/soak.py", "--seconds", str(SECONDS), "--warmup", "10",
                             "--database", fresh_database_url, "--clients", "3", "--members", "6"],
                            cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 600)
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"^errors: 0$", result.stdout, re.M)
    requests = int(re.search(r"^requests: (\d+)", result.stdout, re.M).group(1))
    assert requests >= SECONDS, "the members hardly worked"
    for action in ("reply", "sign up", "report", "read"):
        assert re.search(rf"\d+ {action}\b", result.stdout), action
    assert re.search(r"latency after warm-up: p50 \d+ ms, p99 \d+ ms", result.stdout)
    assert len(re.findall(r"^worker \d+: [\d.]+ MiB at the start, [\d.]+ MiB at the end", result.stdout, re.M)) == 2
