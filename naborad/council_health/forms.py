"""Forms for the good-neighbour agreement: a new item and a change, each linked to a council decision."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import READ_BY_OTHERS, BaseForm, empty_to_none, strip
from ..i18n import date_filter
from ..labels import agreement_status_label, responsible_label
from ..models import AgreementStatus, Responsible
from . import service


def decision_choices():
    """The decisions in approved minutes, newest meeting first: the meeting's date and the decision's title."""
    return [SelectChoice("", _l("Choose a decision"))] + [
        SelectChoice(str(d.id), f"{date_filter(d.meeting.starts_at)}: {d.title}") for d in service.decision_choices()]


def _decision_id(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class AgreementItemForm(BaseForm):
    text = StringField(_l("The commitment"), filters=[strip],
                       validators=[READ_BY_OTHERS, DataRequired(_l("Write the commitment.")), Length(max=300)],
                       description=_l("For example “Quiet after 22 on weekdays”."))
    responsible = SelectField(_l("Who is responsible"), default=Responsible.EVERYONE.value,
                              choices=lambda: [SelectChoice(r.value, responsible_label(r)) for r in Responsible],
                              description=_l("A group or a role, never a person by name."))
    review_date = DateField(_l("Review date"), validators=[DataRequired(_l("Choose when the council reviews it."))],
                            description=_l("The chair is reminded a month before."))
    public = BooleanField(_l("Show it on the public contact page"))
    decision_id = SelectField(_l("Council decision"), coerce=_decision_id, choices=decision_choices,
                              validators=[DataRequired(_l("Choose the council decision that makes this change."))],
                              description=_l("The agreement changes only through a decision in approved minutes."))
    note = TextAreaField(_l("Note (optional)"), filters=[empty_to_none],
                         validators=[READ_BY_OTHERS, Optional(), Length(max=1000)])


class NewAgreementItemForm(AgreementItemForm):
    form_token = HiddenField()


class ChangeAgreementItemForm(AgreementItemForm):
    status = SelectField(_l("Status"), default=AgreementStatus.KEPT.value,
                         choices=lambda: [SelectChoice(s.value, agreement_status_label(s)) for s in AgreementStatus])
