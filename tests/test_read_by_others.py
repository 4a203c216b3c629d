"""Every text field of every form in the app says who reads it (naborad/forms.py, ReadBy): a field others read
gets the wording prompt, so a new field must be classified before the tests pass."""
import importlib
import pkgutil

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.fields.core import UnboundField

import naborad
from naborad.forms import READ_BY_OTHERS, BaseForm, ReadBy, replace_words


def _all_modules():
    for info in pkgutil.walk_packages(naborad.__path__, "naborad."):
        importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _form_classes():
    _all_modules()
    return sorted({c for c in _subclasses(FlaskForm) if c.__module__.startswith("naborad.")},
                  key=lambda c: (c.__module__, c.__name__))


def _text_fields(form_class):
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if (isinstance(unbound, UnboundField) and issubclass(unbound.field_class, StringField)
                and not issubclass(unbound.field_class, HiddenField)):
            validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else ())
            yield name, [v for v in validators or () if isinstance(v, ReadBy)]


def test_the_walk_finds_the_forms_of_every_feature():
    modules = {c.__module__.split(".")[1] for c in _form_classes()}
    assert {"auth", "contact", "events", "issues", "meetings", "members", "premeeting", "reports"} <= modules
    assert all(issubclass(c, BaseForm) for c in _form_classes())  # the shared check runs in BaseForm.validate()


def test_every_text_field_of_every_form_says_who_reads_it():
    unclassified = [f"{c.__module__}.{c.__name__}.{name}: {len(marks)} declarations"
                    for c in _form_classes() for name, marks in _text_fields(c) if len(marks) != 1]
    assert not unclassified, "declare READ_BY_OTHERS, READ_BY_STAFF or NOT_READ_BY_OTHERS:\n" + "\n".join(unclassified)


def test_the_texts_others_read_in_item_4_are_declared_so():
    """Issues and replies, agenda proposals, pre-meeting comments and proposals, minutes notes and decisions,
    action items, event texts, shared summaries, decline/hide reasons."""
    classes = {f"{c.__module__.split('.')[1]}.{c.__name__}": c for c in _form_classes()}
    expected = {"issues.IssueForm": ("title", "body"), "issues.ReplyForm": ("body",), "issues.EditReplyForm": ("body",),
                "issues.ReasonForm": ("reason",), "meetings.ProposalForm": ("title", "why"),
                "meetings.ReasonForm": ("reason",), "meetings.MinutesForm": ("notes", "decision", "unheard_reason"),
                "meetings.ActionForm": ("what",), "events.EventForm": ("title", "description", "place"),
                "events.TaskForm": ("title",), "premeeting.ItemForm": ("title", "text"),
                "premeeting.CommentForm": ("body",), "premeeting.ReasonForm": ("reason",),
                "premeeting.SummaryForm": ("summary",), "premeeting.RaiseForm": ("title", "why")}
    for key, names in expected.items():
        declared = dict(_text_fields(classes[key]))
        for name in names:
            assert declared[name] == [READ_BY_OTHERS], f"{key}.{name}"
    report = dict(_text_fields(classes["reports.ReportForm"]))
    assert report["text"][0].readers == "staff"  # a report goes only to staff: a hint, never a stop


def test_a_replacement_keeps_the_capital_and_whole_words():
    assert replace_words("Narkisene i nr. 3 og narkisene", "Narkisene", "personer som bruker rusmidler") == \
        "Personer som bruker rusmidler i nr. 3 og narkisene"
    assert replace_words("narkisene bråker", "narkisene", "personer som bruker rusmidler") == \
        "personer som bruker rusmidler bråker"
    assert replace_words("narkisenes", "narkisene", "x") == "narkisenes"
