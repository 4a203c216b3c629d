"""Forms for events, sign-ups and volunteer tasks."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import NOT_READ_BY_OTHERS, READ_BY_OTHERS, BaseForm, LocalDateTimeField, empty_to_none, strip
from ..i18n import local
from .service import EventDetails

MAX_GUESTS = 20


class EventForm(BaseForm):
    form_token = HiddenField()
    title = StringField(_l("Title"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Give the event a title.")), Length(max=160)],
                        description=_l("For example “Summer party in the back yard”."))
    description = TextAreaField(_l("Description"), filters=[strip], validators=[READ_BY_OTHERS,
                                                                                Optional(), Length(max=10_000)],
                                description=_l("What happens, what to bring. You can write **bold** (two stars on each "
                                              "side), *italics* (one star), a list (start each line with “- ”) and a "
                                              "link: [the words](https://…)."))
    place = StringField(_l("Place (optional)"), filters=[empty_to_none], validators=[READ_BY_OTHERS,
                                                                                     Optional(), Length(max=160)])
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired(_l("Choose when the event starts."))])
    ends_at = LocalDateTimeField(_l("Ends"), validators=[DataRequired(_l("Choose when the event ends."))])
    signup_deadline = LocalDateTimeField(_l("Sign-up deadline (optional)"), validators=[Optional()],
                                         description=_l("After it, only organisers change sign-ups."))
    capacity = IntegerField(_l("Places (optional)"), validators=[Optional(), NumberRange(1, 10_000)],
                            description=_l("Guests count too. Leave empty for no limit."))
    max_guests = IntegerField(_l("Guests per sign-up"), default=0, validators=[Optional(), NumberRange(0, MAX_GUESTS)],
                              description=_l("0 means members come without guests."))
    ask_dietary = BooleanField(_l("Ask about dietary needs and allergies"))
    show_participants = BooleanField(_l("Members may see who is coming"),
                                     description=_l("Otherwise members see only how many are coming."))

    @staticmethod
    def data_of(event, with_dates: bool = True) -> dict:
        """The form's data for an existing event: to edit it, or to copy it (the copy picks new dates)."""
        names = ("title", "description", "place", "capacity", "max_guests", "ask_dietary", "show_participants")
        if with_dates:
            names += ("starts_at", "ends_at", "signup_deadline")
        return {name: getattr(event, name) for name in names}

    def details(self) -> EventDetails:
        """What the organiser filled in."""
        return EventDetails(
            title=self.title.data, description=self.description.data or "", place=self.place.data,
            starts_at=self.starts_at.data, ends_at=self.ends_at.data,
            signup_deadline=self.signup_deadline.data, capacity=self.capacity.data,
            max_guests=self.max_guests.data or 0, ask_dietary=self.ask_dietary.data,
            show_participants=self.show_participants.data)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in (self.starts_at, self.ends_at, self.signup_deadline):
            if field.data is not None and not 2000 <= local(field.data).year <= 2100:
                field.errors = [*field.errors, _l("Choose a date between the years 2000 and 2100.")]
                ok = False
        return ok

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(_l("The event cannot end before it starts."))

    def validate_signup_deadline(self, field):
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError(_l("The deadline must be before the event ends."))


class SignupForm(BaseForm):
    guests = IntegerField(_l("Guests"), default=0, validators=[Optional(), NumberRange(0, MAX_GUESTS)])
    dietary_note = StringField(_l("Dietary needs or allergies (optional)"), filters=[empty_to_none],
                               validators=[NOT_READ_BY_OTHERS, Optional(), Length(max=300)],
                               description=_l("Only the organisers see this. It is deleted 30 days after the event."))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None:
            self.guests.render_kw = {"max": event.max_guests}

    def validate_guests(self, field):
        most = self.event.max_guests if self.event is not None else 0
        if (field.data or 0) > most:
            raise ValidationError(_l("At most %(num)d guests.", num=most))


class ParticipantForm(SignupForm):
    form_token = HiddenField()
    name = StringField(_l("Name"), filters=[strip],
                       validators=[NOT_READ_BY_OTHERS,
                                   DataRequired(_l("Write the participant's name.")), Length(max=120)],
                       description=_l("Someone without an account, for example a neighbour."))


class GuestsForm(BaseForm):
    guests = IntegerField(_l("Guests"), default=0, validators=[Optional(), NumberRange(0, MAX_GUESTS)])


class TaskForm(BaseForm):
    title = StringField(_l("Task"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Name the task.")), Length(max=120)],
                        description=_l("For example “Bake a cake” or “Set up tables”."))
    slots = IntegerField(_l("How many people"), default=1,
                         validators=[DataRequired(_l("Choose how many.")), NumberRange(1, 100)])
