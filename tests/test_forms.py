"""The shared form pieces in naborad/forms.py: the Oslo date-time field, and every date-time form using it; line
breaks in single-line fields."""
import ast
import importlib
import inspect
import pkgutil
from datetime import datetime, timezone

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeField, PasswordField, StringField, TextAreaField, TimeField

import naborad
from naborad.forms import BaseForm, LocalDateTimeField, not_in_future
from naborad.models import Role


class WhenForm(BaseForm):
    class Meta:
        csrf = False

    at = LocalDateTimeField()


def submit(app, value, form_class=WhenForm):
    with app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict({"at": value}))
        form.validate()
        return form


UTC = timezone.utc


@pytest.mark.parametrize(("typed", "utc"), [
    ("2030-01-15T18:00", datetime(2030, 1, 15, 17, 0, tzinfo=UTC)),  # winter: Oslo is UTC+1
    ("2030-07-01T18:00", datetime(2030, 7, 1, 16, 0, tzinfo=UTC)),  # summer: UTC+2
    ("2030-07-01T18:00:30", datetime(2030, 7, 1, 16, 0, 30, tzinfo=UTC)),  # a browser that adds seconds
    ("2030-7-1T8:05", datetime(2030, 7, 1, 6, 5, tzinfo=UTC)),  # strptime takes single digits
    ("2000-01-01T00:30", datetime(1999, 12, 31, 23, 30, tzinfo=UTC)),
    ("9999-12-31T23:59", datetime(9999, 12, 31, 22, 59, tzinfo=UTC)),
])
def test_what_the_member_types_is_oslo_time_and_the_code_gets_utc(app, typed, utc):
    form = submit(app, typed)
    assert not form.at.errors
    assert form.at.data == utc and form.at.data.tzinfo is UTC


@pytest.mark.parametrize("typed", ["2030-07-01 18:00", "2030-07-01", "2030-07-01T18:00Z", "2030-07-01T18:00:00.5",
                                   "18:00", "tomorrow", "2030-02-30T10:00", "0001-01-01T00:00"])
def test_anything_else_is_an_error_beside_the_field(app, typed):
    form = submit(app, typed)
    assert form.at.data is None and form.at.errors == submit(app, "tomorrow").at.errors  # WTForms' own message
    assert f'value="{typed}"' in form.at()  # what was typed comes back to be corrected


def test_a_stored_utc_time_is_shown_as_oslo_time(app):
    with app.test_request_context():
        form = WhenForm(data={"at": datetime(2030, 7, 1, 16, 0, tzinfo=UTC)})
        assert 'value="2030-07-01T18:00"' in form.at()
        assert 'type="datetime-local"' in form.at()
        assert 'value=""' in WhenForm().at()


def test_not_in_future_compares_in_utc(app):
    class PastForm(WhenForm):
        at = LocalDateTimeField(validators=[not_in_future])

    assert not submit(app, "2020-07-01T18:00", PastForm).at.errors
    assert submit(app, "2999-07-01T18:00", PastForm).at.errors


def _form_classes():
    for info in pkgutil.walk_packages(naborad.__path__, "naborad."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseForm) and cls.__module__ == info.name:
                yield cls


def test_every_date_time_field_is_the_oslo_field():
    fields = {}
    for cls in _form_classes():
        for name in dir(cls):
            unbound = getattr(cls, name)
            field_class = getattr(unbound, "field_class", None)
            # A date, or a time of day on the wall clock (the rota's hours), is no instant: not converted.
            if field_class and issubclass(field_class, DateTimeField) and not issubclass(field_class, (DateField,
                                                                                                      TimeField)):
                fields[f"{cls.__module__}.{cls.__name__}.{name}"] = field_class
    assert len(fields) >= 7, fields  # meetings, pre-meetings, events (3), issues, reports
    assert set(fields.values()) == {LocalDateTimeField}, fields


def test_no_module_converts_form_times_by_hand():
    """Views and services read `form.x.data` as UTC; only the field itself knows the time zone."""
    root = inspect.getfile(naborad).rsplit("/", 1)[0]
    hand = []
    for info in pkgutil.walk_packages(naborad.__path__, "naborad."):
        path = importlib.import_module(info.name).__file__
        if info.name in ("naborad.forms", "naborad.i18n"):
            continue
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in ("from_local", "to_local_naive"):
                hand.append(f"{path.removeprefix(root)}:{node.lineno}")
            if isinstance(node, ast.Constant) and node.value == "%Y-%m-%dT%H:%M":
                hand.append(f"{path.removeprefix(root)}:{node.lineno}")
    assert not hand, hand


def test_an_event_on_new_years_night_keeps_its_local_year(client, login_as):
    """The events' year range (2000-2100) is about the date the organiser typed, not the UTC one."""
    login_as(Role.STAFF)
    data = {"title": "Nyttår", "starts_at": "2000-01-01T00:30", "ends_at": "2000-01-01T02:00", "max_guests": "0"}
    assert client.post("/arrangementer/nytt", data=data).status_code == 303
    data = {**data, "starts_at": "2100-12-31T23:30", "ends_at": "2100-12-31T23:45"}
    assert client.post("/arrangementer/nytt", data=data).status_code == 303
    data = {**data, "starts_at": "1999-12-31T23:30"}
    assert client.post("/arrangementer/nytt", data=data).status_code == 422


class LinesForm(BaseForm):
    class Meta:
        csrf = False

    title = StringField()
    body = TextAreaField()
    password = PasswordField()


@pytest.mark.parametrize(("typed", "kept"), [
    ("Vann i kjelleren\r\nOppgang B", "Vann i kjelleren Oppgang B"),
    ("Vann\ni kjelleren\n", "Vann i kjelleren"),
    ("\r\nVann \r\n\r\n i kjelleren", "Vann i kjelleren"),
    ("Vann\u2028i\u2029kjelleren\x85", "Vann i kjelleren"),
    ("Vann\x0bi\x0ckjelleren", "Vannikjelleren"),  # control characters go, as before
    ("  Vann i kjelleren ", "  Vann i kjelleren "),  # no break: the field's own filters decide
])
def test_single_line_fields_lose_their_line_breaks_and_text_areas_keep_them(app, typed, kept):
    with app.test_request_context(method="POST"):
        form = LinesForm(formdata=MultiDict({"title": typed, "body": "Linje 1\r\nLinje 2", "password": "a\u2028b"}))
    assert form.title.data == kept
    assert form.body.data == "Linje 1\r\nLinje 2" and form.password.data == "a\u2028b"
