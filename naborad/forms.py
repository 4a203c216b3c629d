"""The base of every form (strips characters no text field may hold: NUL, other C0 controls; and line
breaks from single-line fields; asks "talk with, not about" before a text others read is posted), and the
shared pieces of forms: who reads a text field, filters, the Oslo date-time field, the status of a
re-rendered form, one-time form tokens and creating once by them."""
import re
from collections.abc import Callable
from datetime import timezone

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import DateTimeLocalField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import ValidationError

from .csrf_mask import MaskedFormCSRF
from .extensions import db
from .i18n import from_local, to_local_naive, wtforms_translations
from .models import audit, utcnow
from .tokens import new_token
from .wording import check as check_wording

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Line breaks of any kind (CR, LF, NEL, the Unicode line and paragraph separators; CONTROL takes the
# others), with the spaces around them.
LINE_BREAKS = re.compile(r"[ \t]*[\r\n\x85\u2028\u2029]+[ \t]*")


def _clean(value):
    return CONTROL.sub("", value) if isinstance(value, str) else value


def _one_line(value):
    # A title, name or place is one line: a break typed or pasted into it would end up in a mail header
    # (where it cannot be) and in one-line places of the pages. A break inside becomes a space, one at
    # either end goes.
    if not isinstance(value, str):
        return value
    return " ".join(part for part in LINE_BREAKS.split(_clean(value)) if part)


def _first_filter(field_class):
    if issubclass(field_class, SelectFieldBase):
        return _clean_choice
    single_line = (issubclass(field_class, StringField) and not issubclass(field_class, TextAreaField)
                   and not issubclass(field_class, PasswordField))  # a password is kept exactly as typed
    return _one_line if single_line else _clean


def _clean_choice(value):
    # Optional() lets a whitespace-only choice through unchecked; make it the empty choice.
    return _clean(value).strip() if isinstance(value, str) else value


# -- who reads a text field -------------------------------------------------------------------

class ReadBy:
    """Who reads what is typed in a text field, declared among its validators; every text field of every
    form says it (tests/test_read_by_others.py walks them all, so a new field must be classified):

    - `READ_BY_OTHERS`: members read it (an issue, a reply, an agenda proposal, minutes, a reason...). The
      wording prompt ("talk with, not about") stops the post until the writer changes the text, taps a
      suggested replacement, or chooses "post anyway" (recorded in the audit log, shown to nobody else).
    - `READ_BY_STAFF`: only staff read it (a situation report): the prompt is a quiet hint under the field
      and never stops or delays sending.
    - `NOT_READ_BY_OTHERS`: not a text others read: a password, a search, an email address, a phone
      number, a code, one's own display name.
    """

    def __init__(self, readers: str):
        self.readers = readers
        self.field_flags = {"read_by": readers}  # field.flags.read_by

    def __call__(self, form, field):
        pass  # a declaration; BaseForm.validate() does the checking for the whole form

    def __repr__(self):
        return f"ReadBy({self.readers!r})"


READ_BY_OTHERS = ReadBy("others")
READ_BY_STAFF = ReadBy("staff")
NOT_READ_BY_OTHERS = ReadBy("nobody")

POST_ANYWAY = "post_anyway"  # the prompt's "post anyway" button: name=post_anyway value=1
REPLACE = "wording_replace"  # a suggestion's one-tap button: name=wording_replace value="<field>|<words>"


def replace_words(text: str, words: str, suggestion: str) -> str:
    """`text` with every `words` (as whole words) replaced by `suggestion`, capitalised where `words` was."""
    if words[:1].isupper() and suggestion[:1].islower():
        suggestion = suggestion[0].upper() + suggestion[1:]
    return re.sub(r"(?<!\w)" + re.escape(words) + r"(?!\w)", lambda _m: suggestion, text)


class BaseForm(FlaskForm):
    class Meta:
        csrf_class = MaskedFormCSRF  # the token masked per response (against BREACH)

        def get_translations(self, form):
            return wtforms_translations

        def bind_field(self, form, unbound_field, options):
            # PostgreSQL refuses NUL in text; nobody types the others; single-line fields lose their line
            # breaks. Cleaned before any other filter.
            filters = [_first_filter(unbound_field.field_class), *unbound_field.kwargs.get("filters", ())]
            field = unbound_field.bind(form=form, filters=filters, **options)
            field.wording = []  # the wording prompt's findings for this field, after validate()
            return field

        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            form.submitted_data = formdata  # the prompt's buttons (post anyway, a replacement) are read from it
            return formdata

        def render_field(self, field, render_kw):
            # The hidden tokens need no id: a page with several forms would repeat id="csrf_token" (invalid HTML).
            if field.short_name in ("csrf_token", "form_token") and "id" not in render_kw:
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)

    submitted_data = None

    @property
    def prompted(self) -> bool:
        """A field of it has the wording prompt (or hint) to show: a template opens its disclosure."""
        return any(getattr(f, "wording", None) for f in self)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return self.talk_with_not_about(valid) and valid

    def talk_with_not_about(self, valid: bool = True) -> bool:
        """The one wording check of every form: the findings of each text field others (or staff) read go
        to `field.wording`, for the prompt beside it (templates/_macros/wording.html). A field others read
        with findings stops the post (False) unless the writer chose "post anyway", which is recorded in
        the audit log without a name or the text; a field staff read gets a hint and never stops it. A
        tapped replacement is applied first (the suggestion the check gives now, never one from the client)."""

        data = self.submitted_data
        replace = data.get(REPLACE, "") if data is not None else ""
        name, _, words = replace.partition("|")
        stopping = False
        for field in self:
            readers = getattr(field.flags, "read_by", None)
            if readers not in (READ_BY_OTHERS.readers, READ_BY_STAFF.readers) or not isinstance(field.data, str):
                continue
            findings = check_wording(field.data)
            if field.name == name and words:
                for finding in findings:
                    if finding.text == words and finding.suggest:
                        field.data = replace_words(field.data, words, finding.suggest)
                        findings = check_wording(field.data)
                        break
            field.wording = findings
            stopping = stopping or (readers == READ_BY_OTHERS.readers and bool(findings))
        if stopping and not replace and data is not None and data.get(POST_ANYWAY) == "1":
            if valid:
                audit("wording_post_anyway", detail=(request.endpoint or "")[:300])
            return True
        return not stopping


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def empty_to_none(value):
    value = strip(value)
    return value or None


# What a datetime-local input sends: minutes, or seconds too when a browser adds them.
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
# WTForms' own message for a date-time it cannot read, translated by WTForms' catalogue (not ours).
NOT_A_DATETIME = "Not a valid datetime value."


class LocalDateTimeField(DateTimeLocalField):
    """A date and time the member types and sees as Oslo time (a datetime-local input), while the code
    reads and gives `data` as an aware UTC datetime (or None)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=list(LOCAL_FORMATS), **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            try:
                self.data = from_local(self.data).astimezone(timezone.utc)
            except OverflowError:  # the first hour of the year 1 in Oslo is before the first UTC time
                self.data = None
                raise ValueError(self.gettext(NOT_A_DATETIME)) from None

    def _value(self):
        if self.raw_data:  # what was typed, when the form comes back with errors
            return " ".join(self.raw_data)
        return to_local_naive(self.data).strftime(self.format[0]) if self.data else ""


def form_status() -> int:
    """The status of a page that shows a form: 422 when it comes back from a POST (the form did not
    validate), else 200."""
    return 422 if request.method == "POST" else 200


def not_in_future(form, field):
    """For "when did it happen" fields (LocalDateTimeField)."""
    if field.data and field.data > utcnow():
        raise ValidationError(_l("The time cannot be in the future."))


def with_token(form):
    """Give a creating form its one-time token (a unique column makes a double submit a no-op)."""
    if not form.form_token.data:
        form.form_token.data = new_token()
    return form


def by_token(model, token: str | None):
    """The row a form with this one-time token already made, if any."""
    return db.session.scalar(select(model).where(model.form_token == token)) if token else None


def create_once(model, token: str | None, make: Callable[[], object]) -> tuple[object, bool]:
    """Create once by form token: the row of `model` a form with this one-time token already made, or a
    new one from `make()`; returns (row, created). A double click finds the first row; a submit that races
    it hits the unique `form_token` column inside a savepoint and gets the winner's row, while the
    caller's transaction stays usable. Flushes; the caller commits."""
    existing = by_token(model, token)
    if existing is not None:
        return existing, False
    row = make()
    row.form_token = token
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        if not token:
            raise
        return by_token(model, token), False
    return row, True


def move_in_order(rows, item, direction: int, first: int = 0) -> bool:
    """Move `item` one place up (-1) or down (+1) in `rows` (in their order) and renumber the positions
    from `first`. False when it cannot move (not in the list, or already at that end)."""
    if item not in rows:
        return False
    index = rows.index(item)
    other = index + direction
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for n, row in enumerate(rows, start=first):
        row.position = n
    return True
