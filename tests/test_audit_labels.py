"""The audit log says what happened in words, in the reader's language: every action has a label, never its code."""

import polib
from django.utils import translation

from core import audit
from core.models import AuditEntry
from tests.helpers import ROOT


def test_every_action_has_a_label_in_words():
    missing = [action for action in audit.Action if action not in audit.LABELS]
    assert missing == [], "give these actions a label in core.audit.LABELS"
    with translation.override("en"):
        codes = {action.value for action in audit.Action}
        labels = [str(label) for label in audit.LABELS.values()]
    assert not set(labels) & codes
    assert len(set(labels)) == len(labels), "two actions read the same"


def test_every_label_is_translated_in_each_catalog():
    with translation.override(None):  # the source strings, the catalogs' msgids
        labels = {str(label) for label in audit.LABELS.values()}
    for language in ("zh_Hant", "en", "ja"):
        catalog = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
            if not entry.obsolete and entry.translated()
        }
        assert labels - set(catalog) == set(), language


def test_labels_follow_the_active_language():
    action = audit.Action.REGULATORY_ISSUE_SUBMIT
    with translation.override("zh-hant"):
        assert action.label == "法規調適議題已提出"
        assert AuditEntry(action=action.value).get_action_display() == "法規調適議題已提出"
    with translation.override("ja"):
        assert audit.label(action.value) == "規制に関する課題を提出"
    with translation.override("en"):
        assert audit.label(action.value) == "Regulatory issue submitted"


def test_a_value_no_action_has_any_more_is_shown_as_it_is():
    assert audit.label("plan.renamed_since") == "plan.renamed_since"
    assert AuditEntry(action="plan.renamed_since").get_action_display() == "plan.renamed_since"


def test_the_filter_choices_are_every_action_sorted_by_label_in_the_readers_language():
    with translation.override("en"):
        choices = audit.choices()
    assert {value for value, _ in choices} == {action.value for action in audit.Action}
    assert [label for _, label in choices] == sorted((label for _, label in choices), key=str.casefold)
    assert ("regulatory_issue.submit", "Regulatory issue submitted") in choices
