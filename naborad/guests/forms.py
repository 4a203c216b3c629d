"""The form that invites a guest to one meeting."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import READ_BY_STAFF, BaseForm


class GuestForm(BaseForm):
    form_token = HiddenField()
    label = StringField(_l("Whom is the link for?"),
                        validators=[READ_BY_STAFF, DataRequired(_l("Say whom the link is for.")), Length(max=120)],
                        description=_l("For example the head of the centre, an adviser, or the police contact. "
                                       "Only the chair and the staff see it."))
