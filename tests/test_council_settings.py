"""Council-wide settings: a declared key reads its default until set; an undeclared key is refused."""
import pytest

from naborad import council
from naborad.extensions import db


def test_declared_setting_reads_default_then_stored_value(app, monkeypatch):
    monkeypatch.setitem(council.DEFAULTS, "example_flag", False)
    with app.app_context():
        assert council.setting("example_flag") is False
        council.set_setting("example_flag", True)
        db.session.commit()
        assert council.setting("example_flag") is True
        council.set_setting("example_flag", {"a": 1})
        db.session.commit()
        db.session.expire_all()
        assert council.setting("example_flag") == {"a": 1}


def test_undeclared_setting_is_refused(app):
    with app.app_context():
        with pytest.raises(KeyError):
            council.setting("no_such_setting")
        with pytest.raises(KeyError):
            council.set_setting("no_such_setting", 1)
