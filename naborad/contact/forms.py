"""Forms for contact points, guidance and the chair's own number."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..extensions import db
from ..forms import NOT_READ_BY_OTHERS, READ_BY_OTHERS, BaseForm, empty_to_none, strip
from ..models import ContactPoint

PHONE = Regexp(r"^\+?[0-9 ]{3,20}$", message=_l("Write the number with digits and spaces only, e.g. +47 32 00 00 00."))


class ContactPointForm(BaseForm):
    label = StringField(_l("Name"), filters=[strip],
                        validators=[READ_BY_OTHERS,
                                    DataRequired(_l("Give the contact point a name.")), Length(max=120)],
                        description=_l("For example “The facility's on-duty phone (24/7)”."))
    phone = StringField(_l("Phone (optional)"), filters=[empty_to_none], validators=[NOT_READ_BY_OTHERS,
                                                                                     Optional(), PHONE])
    email = EmailField(_l("Email (optional)"), filters=[empty_to_none],
                       validators=[NOT_READ_BY_OTHERS,
                                   Optional(), Email(_l("Check the email address.")), Length(max=254)])
    hours = StringField(_l("Opening hours (optional)"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                                             Length(max=120)],
                        description=_l("For example “Around the clock” or “Weekdays 08–15”."))
    note = StringField(_l("When to use it (optional)"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                                             Length(max=300)])
    position = IntegerField(_l("Order"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=999, message=_l("Use 0 to 999."))],
                            description=_l("Lower numbers come first. Emergency numbers are always shown last."))
    is_on_duty = BooleanField(_l("This is the 24/7 on-duty phone (shown on the report form and the card)"))
    is_emergency = BooleanField(_l("This is an emergency number (110, 112, 113)"))

    def details(self) -> dict:
        """What staff typed, for contact.service.save_point."""
        return {name: self[name].data for name in ("label", "phone", "email", "hours", "note", "position",
                                                   "is_on_duty", "is_emergency")}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not (self.phone.data or self.email.data):
            self.phone.errors.append(_l("Give a phone number or an email address."))
            return False
        return ok


def contact_point_choices():
    points = db.session.scalars(select(ContactPoint).order_by(ContactPoint.position, ContactPoint.id))
    return [SelectChoice("", _l("None"))] + [SelectChoice(str(p.id), p.label) for p in points]


class GuidanceForm(BaseForm):
    situation = StringField(_l("Situation"), filters=[strip],
                            validators=[READ_BY_OTHERS, DataRequired(_l("Name the situation.")), Length(max=120)],
                            description=_l("For example “Noise at night”."))
    advice = TextAreaField(_l("What to do"), filters=[strip],
                           validators=[READ_BY_OTHERS, DataRequired(_l("Write the advice.")), Length(max=2000)])
    contact_point_id = SelectField(_l("Whom to contact"), choices=contact_point_choices, validators=[Optional()])
    position = IntegerField(_l("Order"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=999, message=_l("Use 0 to 999."))])


class ChairContactForm(BaseForm):
    label = StringField(_l("Shown as"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Say how you are shown.")), Length(max=120)],
                        description=_l("For example “Chair of the neighbourhood council”."))
    phone = StringField(_l("Phone"), filters=[strip],
                        validators=[NOT_READ_BY_OTHERS, DataRequired(_l("Give the number to show.")), PHONE])
    email = EmailField(_l("Email (optional)"), filters=[empty_to_none],
                       validators=[NOT_READ_BY_OTHERS,
                                   Optional(), Email(_l("Check the email address.")), Length(max=254)])
    hours = StringField(_l("When you can be reached (optional)"), filters=[empty_to_none],
                        validators=[READ_BY_OTHERS, Length(max=120)])
    consent = BooleanField(_l("I agree that my number is shown to everyone on the public contact page"),
                           validators=[DataRequired(_l("Your number is shown only with your consent."))])
