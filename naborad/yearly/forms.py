"""Forms of the yearly report: the year picker, the chair's opening text, attendance at a held meeting."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import READ_BY_OTHERS, BaseForm, strip
from .service import FIRST_YEAR, MAX_ATTENDANCE

TEXT_MAX = 4000


class YearForm(BaseForm):
    """A GET form (no CSRF): which year's report to open."""
    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Write a year, e.g. 2025."))],
                        render_kw={"inputmode": "numeric"})

    def __init__(self, *args, last_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.validators = [*self.year.validators, NumberRange(
            FIRST_YEAR, last_year, message=_l("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR,
                                              last=last_year))]


class TextForm(BaseForm):
    text = TextAreaField(_l("The opening text"), filters=[strip],
                         validators=[READ_BY_OTHERS, Optional(),
                                     Length(max=TEXT_MAX, message=_l("At most 4000 characters."))],
                         description=_l("A few lines on the year, for the council and the municipality. "
                                        "Markdown works: **bold**, lists, links. Do not write names of residents."),
                         render_kw={"rows": 8, "maxlength": TEXT_MAX})


def _count(label):
    return IntegerField(label, validators=[
        InputRequired(_l("Write a number (0 if nobody).")),
        NumberRange(0, MAX_ATTENDANCE, message=_l("A number from 0 to %(max)d.", max=MAX_ATTENDANCE))],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_ATTENDANCE})


class AttendanceForm(BaseForm):
    neighbours = _count(_l("Neighbours (the chair included)"))
    residents = _count(_l("Residents"))
    staff = _count(_l("Staff members"))
