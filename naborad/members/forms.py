"""Forms for member administration."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional

from ..forms import NOT_READ_BY_OTHERS, READ_BY_STAFF, BaseForm, empty_to_none, lower_strip

ROLE_CHOICES = [
    SelectChoice("resident", _l("Resident")),
    SelectChoice("neighbour", _l("Neighbour")),
    SelectChoice("staff", _l("Staff")),
]

ROLE_CHANGE_CHOICES = [
    SelectChoice("resident", _l("Resident")),
    SelectChoice("neighbour", _l("Neighbour")),
    SelectChoice("chair", _l("Chair")),
    SelectChoice("deputy", _l("Deputy chair")),
    SelectChoice("staff", _l("Staff")),
]


class InvitationForm(BaseForm):
    form_token = HiddenField()
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="neighbour")
    email = EmailField(_l("Email (optional)"), filters=[lambda v: empty_to_none(lower_strip(v))],
                       validators=[NOT_READ_BY_OTHERS,
                                   Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
                       description=_l("Without email you print the invitation and hand it over. "
                                      "Staff invitations need an email."))
    label = StringField(_l("Note for staff (optional)"), filters=[empty_to_none],
                        validators=[READ_BY_STAFF, Optional(), Length(max=120)],
                        description=_l("For example whom you will hand it to. Only staff see it."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.role.data == "staff" and not self.email.data and not self.email.errors:
            # Optional() would stop a field validator on an empty email, so this lives here.
            self.email.errors.append(_l("Staff are invited by email only."))
            valid = False
        return valid


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=ROLE_CHANGE_CHOICES)
    confirm = HiddenField()


class EmptyForm(BaseForm):
    """Buttons that change something: only the CSRF token."""





class AccessEndForm(BaseForm):
    """The day a member's access ends (a temporary home, an emergency place); empty: no end."""
    ends_on = DateField(_l("Access ends on"), validators=[Optional()],
                        description=_l("For a temporary home or an emergency place. Staff are reminded a week "
                                       "before and can extend it. Leave empty for no end."))


class MoveOutForm(BaseForm):
    """Moving out: one staff action (members.service.move_out)."""
    anonymise = BooleanField(_l("They asked for their posts to be anonymised"))
