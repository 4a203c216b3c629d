"""Forms of the guided start: the public page, the household letters, the two meetings, the council formed."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import READ_BY_OTHERS, READ_BY_STAFF, BaseForm, LocalDateTimeField, empty_to_none, strip
from .service import MANDATE, RHYTHMS, rhythm_label


class PublicPageForm(BaseForm):
    about = TextAreaField(_l("What the facility is, in plain words"), filters=[strip],
                          validators=[READ_BY_OTHERS, DataRequired(_l("Say in a few words what the facility is.")),
                                      Length(max=2000)],
                          description=_l("Everyone can read this page, also without logging in. Write no names "
                                         "and nothing about the residents."))
    join = TextAreaField(_l("How to join the council"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Say how a neighbour joins.")), Length(max=2000)],
                         description=_l("For example: every household gets a letter with a code; or ask the staff."))


class LettersForm(BaseForm):
    form_token = HiddenField()
    addresses = TextAreaField(_l("Addresses, one per line"), filters=[empty_to_none],
                              validators=[READ_BY_STAFF, Optional(), Length(max=200_000)],
                              description=_l("Paste from a spreadsheet: street and number, postcode and place, "
                                             "separated by commas or semicolons. Or upload a CSV file below."))
    upload = FileField(_l("Or upload a CSV file"))


class ReprintForm(BaseForm):
    number = IntegerField(_l("Letter number"), validators=[DataRequired(_l("Which letter? Its number is at the foot.")),
                                                           NumberRange(min=1)])
    address = TextAreaField(_l("Address on the letter (optional)"), filters=[empty_to_none],
                            validators=[READ_BY_STAFF, Optional(), Length(max=300)],
                            description=_l("The addresses are not kept: type it again, or write it by hand."))


class StepMeetingForm(BaseForm):
    form_token = HiddenField()
    starts_at = LocalDateTimeField(_l("Date and time"), validators=[DataRequired(_l("Choose the date and time."))])
    place = StringField(_l("Place"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Where do you meet?")), Length(max=160)])


class ChallengeForm(BaseForm):
    title = StringField(_l("The challenge"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Name the challenge.")), Length(max=160)])
    body = TextAreaField(_l("What was said about it"), filters=[strip],
                         validators=[READ_BY_OTHERS, DataRequired(_l("Write a few words about it.")),
                                     Length(max=4000)])
    from_paper = BooleanField(_l("Typed in from paper notes"), default=True)


class ProposalStepForm(BaseForm):
    issue_id = SelectField(_l("Which challenge does it answer?"), coerce=int,
                           validators=[DataRequired(_l("Choose a challenge."))])
    title = StringField(_l("The proposal"), filters=[strip],
                        validators=[READ_BY_OTHERS, DataRequired(_l("Give the proposal a title.")), Length(max=160)])
    why = TextAreaField(_l("More about it (optional)"), filters=[empty_to_none],
                        validators=[READ_BY_OTHERS, Optional(), Length(max=4000)])


class CouncilForm(BaseForm):
    chair = SelectField(_l("Chair (elected among the neighbours)"), coerce=int,
                        validators=[DataRequired(_l("Choose the chair the meeting elected."))])
    deputy = SelectField(_l("Deputy chair (optional)"), coerce=int, validators=[Optional()])
    reps = SelectMultipleField(_l("Residents' representatives"), coerce=int, validators=[Optional()],
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    mandate = StringField(_l("Mandate"), default=MANDATE, filters=[strip],
                          validators=[READ_BY_OTHERS, DataRequired(_l("Write the council's mandate.")),
                                      Length(max=300)])
    rhythm = SelectField(_l("How often the council meets"), choices=[SelectChoice(r, r) for r in RHYTHMS], default="monthly")

    def set_choices(self, candidates, residents):
        self.chair.choices = [SelectChoice(0, _l("Choose…"))] + [SelectChoice(u.id, u.display_name) for u in candidates]
        self.deputy.choices = [SelectChoice(0, _l("No deputy yet"))] + [SelectChoice(u.id, u.display_name)
                                                                        for u in candidates]
        self.reps.choices = [SelectChoice(u.id, u.display_name) for u in residents]
        self.rhythm.choices = [SelectChoice(r, rhythm_label(r)) for r in RHYTHMS]
        return self




class ChairRuleForm(BaseForm):
    allow_non_neighbour = BooleanField(_l("A resident may be elected chair too"))
