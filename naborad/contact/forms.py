"""Forms for contact points, guidance, the chair's own number and the on-duty rota."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..extensions import db
from ..forms import NOT_READ_BY_OTHERS, READ_BY_OTHERS, BaseForm, empty_to_none, strip
from ..models import ContactPoint, Role, RotaDays, RotaMember, User

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


# -- the on-duty rota (issue 19) ------------------------------------------------------------

def _quarter_hour(form, field):
    if field.data is not None and field.data.minute % 15:
        raise ValidationError(_l("Use a time on the quarter hour (for example 08:00, 15:30)."))


def rota_point_choices():
    points = db.session.scalars(select(ContactPoint).where(ContactPoint.is_emergency.is_(False))
                                .order_by(ContactPoint.position, ContactPoint.id))
    return [SelectChoice("", _l("Choose a contact point"))] + [SelectChoice(str(p.id), p.label) for p in points]


def rota_member_choices():
    members = db.session.scalars(select(RotaMember).options(joinedload(RotaMember.contact_point))
                                 .order_by(RotaMember.position, RotaMember.id))
    return [SelectChoice("", _l("Choose who covers it"))] + [SelectChoice(str(m.id), m.contact_point.label)
                                                             for m in members]


DAYS_LABELS = {RotaDays.WEEKDAYS: _l("Weekdays (Monday to Friday)"), RotaDays.WEEKEND: _l("Weekends (Saturday and Sunday)"),
               RotaDays.HOLIDAYS: _l("Public holidays"), RotaDays.DATES: _l("A date range (an exception)")}


def staff_choices():
    staff = db.session.scalars(select(User).where(User.role == Role.STAFF, User.is_active_member.is_(True))
                               .order_by(User.display_name, User.id))
    return [SelectChoice("", _l("Every staff member"))] + [SelectChoice(str(u.id), u.display_name) for u in staff]


class RotaMemberForm(BaseForm):
    contact_point_id = SelectField(_l("Contact point"), choices=rota_point_choices,
                                   validators=[DataRequired(_l("Choose a contact point."))],
                                   description=_l("Its name and number are what members see, never a person's name."))
    position = IntegerField(_l("Place in the chain"), default=1,
                            validators=[Optional(), NumberRange(min=0, max=999, message=_l("Use 0 to 999."))],
                            description=_l("A report nobody acknowledges goes to the next one in the chain."))
    alert_email = EmailField(_l("Alert address (optional)"), filters=[empty_to_none],
                             validators=[NOT_READ_BY_OTHERS, Optional(), Email(_l("Check the email address.")), Length(max=254)],
                             description=_l("Where escalations are mailed; may be an email-to-SMS gateway. The "
                                            "mail carries only the report's number, category and a link."))
    user_id = SelectField(_l("In-app alert to"), choices=staff_choices, validators=[Optional()],
                          description=_l("The staff member who gets the in-app alert at this step (shown to staff only)."))
    is_manager = BooleanField(_l("This is the facility manager (the last step of an escalation)"))
    is_active = BooleanField(_l("Active"), default=True)

    def details(self) -> dict:
        return {"contact_point_id": int(self.contact_point_id.data), "position": self.position.data or 0,
                "alert_email": self.alert_email.data, "is_manager": self.is_manager.data,
                "is_active": self.is_active.data, "user_id": int(self.user_id.data) if self.user_id.data else None}


class RotaSlotForm(BaseForm):
    member_id = SelectField(_l("Who covers it"), choices=rota_member_choices,
                            validators=[DataRequired(_l("Choose who covers these hours."))])
    days = SelectField(_l("Days"), choices=[SelectChoice(d.value, label) for d, label in DAYS_LABELS.items()],
                       validators=[DataRequired(_l("Choose the days."))])
    starts = TimeField(_l("From"), validators=[DataRequired(_l("Give the time it starts.")), _quarter_hour])
    ends = TimeField(_l("To"), validators=[DataRequired(_l("Give the time it ends.")), _quarter_hour],
                     description=_l("A time not after the start means the next day (23:00 to 08:00 is a night; "
                                    "08:00 to 08:00 is a whole day)."))
    first_day = DateField(_l("First day (date range only)"), validators=[Optional()])
    last_day = DateField(_l("Last day (date range only)"), validators=[Optional()],
                         description=_l("The range runs without a break from the first day at the start time to "
                                        "the last day at the end time."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.days.data == RotaDays.DATES:
            if self.first_day.data is None:
                self.first_day.errors.append(_l("Give the first day of the range."))
                ok = False
            if self.last_day.data is None:
                self.last_day.errors.append(_l("Give the last day of the range."))
                ok = False
            elif self.first_day.data and self.last_day.data < self.first_day.data:
                self.last_day.errors.append(_l("The last day cannot be before the first."))
                ok = False
        return ok

    def details(self) -> dict:
        dates = self.days.data == RotaDays.DATES
        return {"member_id": int(self.member_id.data), "days": RotaDays(self.days.data), "starts": self.starts.data,
                "ends": self.ends.data, "first_day": self.first_day.data if dates else None,
                "last_day": self.last_day.data if dates else None}
