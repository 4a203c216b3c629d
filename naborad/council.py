"""Council-wide settings (one per key): read with `setting(KEY)`, change with `set_setting(KEY, value)`.

Each feature declares its keys here with their defaults, so a reader finds every council setting in one
place. Values are JSON (a bool, a string, a small dict). The caller commits.
"""
from __future__ import annotations

from sqlalchemy import select

from .extensions import db
from .models.council import CouncilSetting

# key -> default. A feature adds its keys below with a comment saying what they mean.
DEFAULTS: dict[str, object] = {}
# Starting a council (issue 22, naborad/start/service.py): the guided start's state (its meetings, the steps
# done), whether the council is already running (the guided start is skipped), the public page's texts, and
# whether a member who is not a neighbour may be elected chair (off: the chair is elected among the neighbours).
DEFAULTS["start"] = {}
DEFAULTS["council_running"] = False
DEFAULTS["public_page"] = {}
DEFAULTS["allow_non_neighbour_chair"] = False

# issue 21: while the chair or staff have paused the council's meetings (as in 2020), {"message": the
# message to members, "since": ISO time (UTC)}; None when the council meets.
MEETINGS_PAUSED = "meetings_paused"
DEFAULTS[MEETINGS_PAUSED] = None


def setting(key: str):
    """The setting's value, or its default when it was never set."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown council setting {key!r}: declare it in naborad/council.py")
    row = db.session.get(CouncilSetting, key)
    return DEFAULTS[key] if row is None else row.value


def set_setting(key: str, value) -> None:
    """Store a setting's value (added to the session; the caller commits)."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown council setting {key!r}: declare it in naborad/council.py")
    row = db.session.get(CouncilSetting, key)
    if row is None:
        db.session.add(CouncilSetting(key=key, value=value))
    else:
        row.value = value


def meetings_paused() -> dict | None:
    """The pause of the council's meetings ({"message", "since"}), or None (issue 21)."""
    return setting(MEETINGS_PAUSED)


def meetings_paused_column():
    """`meetings_paused()` as a scalar subquery, for a page that selects it with its other single values."""
    return select(CouncilSetting.value).where(CouncilSetting.key == MEETINGS_PAUSED).scalar_subquery()
