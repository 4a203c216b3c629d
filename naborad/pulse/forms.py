"""The pulse's form: three questions on a worded five-point scale with "don't know", and one optional line."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..forms import READ_BY_STAFF, BaseForm, strip

DONT_KNOW = "0"
COMMENT_MAX = 300
AGREE = [SelectChoice("1", _l("Strongly disagree")), SelectChoice("2", _l("Disagree")), SelectChoice("3", _l("Neither agree nor disagree")),
         SelectChoice("4", _l("Agree")), SelectChoice("5", _l("Strongly agree")), SelectChoice(DONT_KNOW, _l("Don't know"))]
GOOD = [SelectChoice("1", _l("Very poor")), SelectChoice("2", _l("Poor")), SelectChoice("3", _l("Neither good nor poor")), SelectChoice("4", _l("Good")),
        SelectChoice("5", _l("Very good")), SelectChoice(DONT_KNOW, _l("Don't know"))]
CHOOSE = _l("Choose an answer, or “Don't know”.")


class PulseForm(BaseForm):
    safe = RadioField(_l("I feel safe in the neighbourhood"), choices=AGREE, validators=[InputRequired(CHOOSE)])
    heard = RadioField(_l("I was heard in the council"), choices=AGREE, validators=[InputRequired(CHOOSE)])
    relations = RadioField(_l("The relationship between neighbours and residents is…"), choices=GOOD,
                           validators=[InputRequired(CHOOSE)])
    comment = StringField(_l("Anything else? (optional)"), filters=[strip],
                          validators=[READ_BY_STAFF, Optional(),
                                      Length(max=COMMENT_MAX, message=_l("At most 300 characters."))],
                          description=_l("Only the staff read this line, without your name. It is deleted after "
                                         "12 months. Do not write names."),
                          render_kw={"maxlength": COMMENT_MAX})

    def values(self) -> dict:
        """The answers as the service takes them: 1-5, None for "don't know"; the line or None."""
        def value(f):
            return None if f.data == DONT_KNOW else int(f.data)
        return {"safe": value(self.safe), "heard": value(self.heard), "relations": value(self.relations),
                "comment": self.comment.data or None}


GROUP_LABELS = {"all": _l("Everyone"), "neighbours": _l("Neighbours"), "residents": _l("Residents"),
                "staff": _l("Staff")}
