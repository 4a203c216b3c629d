"""The bokmål catalogue is complete and matches the source; language choice works."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "naborad/translations/nb/LC_MESSAGES/messages.po"


def load(path):
    with path.open("rb") as f:
        return read_po(f)


def test_every_message_has_a_bokmal_translation():
    catalog = load(PO)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not missing, f"untranslated or fuzzy in nb: {missing}"


def test_catalogue_matches_the_source(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l",
                    "--ignore-dirs", ".* node_modules", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    source = {m.id for m in load(pot) if m.id}
    translated = {m.id for m in load(PO) if m.id}
    new = source - translated
    assert not new, f"strings not in the nb catalogue (run `make extract-messages` and translate): {new}"


def test_browser_language_is_used_when_not_logged_in(client):
    assert b'lang="en"' in client.get("/logg-inn", headers={"Accept-Language": "en-GB,en;q=0.9"}).data
    assert b'lang="nb"' in client.get("/logg-inn", headers={"Accept-Language": "nn-NO,nn;q=0.9"}).data
    assert b'lang="nb"' in client.get("/logg-inn", headers={"Accept-Language": "de"}).data


def test_templates_translate_in_the_locale_in_force(app):
    """The templates' remembered catalogue follows a forced locale (a mail in the recipient's language) and
    comes back to the request's own afterwards."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Hide') }} {{ ngettext('%(num)d day ago', '%(num)d days ago', 3) }}"
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        assert render_template_string(template) == "Skjul for 3 dager siden"
        with force_locale("en"):
            assert render_template_string(template) == "Hide 3 days ago"
        assert render_template_string(template) == "Skjul for 3 dager siden"


def test_wtforms_own_messages_follow_the_locale_and_are_read_once(app):
    from flask_babel import force_locale

    from naborad.i18n import _wtforms_catalogue, wtforms_translations

    with app.test_request_context("/"):
        _wtforms_catalogue.cache_clear()
        with force_locale("nb"):
            norwegian = wtforms_translations.gettext("Not a valid choice.")
            wtforms_translations.gettext("Invalid email address.")
        with force_locale("en"):
            english = wtforms_translations.gettext("Not a valid choice.")
        assert english == "Not a valid choice."
        assert norwegian != english
        info = _wtforms_catalogue.cache_info()
        assert (info.misses, info.hits) == (2, 1)  # one read per language, whatever the number of lookups
