"""The demo's regulatory issues: raised by the demo township offices through the actions, routed and answered by
the demo staff, dated back; loading again adds nothing; the public list shows them in every state."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import ensure_demo_township_office
from core.models import AuditEntry
from places.models import Township
from policy.demo import DEMO_ISSUES, ensure_demo_regulatory_issues
from policy.models import RegulatoryIssue
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def offices(townships):
    member = UserFactory(email="office@example.tw")
    for code, *_rest in DEMO_ISSUES:
        ensure_demo_township_office(Township.objects.get(code=code), member)


def test_the_demo_offices_raise_issues_in_every_state_once(offices, client, settings):
    assert ensure_demo_regulatory_issues() == len(DEMO_ISSUES)
    assert ensure_demo_regulatory_issues() == 0

    issues = list(RegulatoryIssue.objects.select_related("ministry"))
    outcomes = {issue.outcome for issue in issues}
    assert {"reinterpreted", "refused", "pending"} <= outcomes
    assert any(issue.ministry is None for issue in issues), "one issue still waits to be routed"
    for issue in issues:
        assert issue.organisation.slug.startswith("demo-office-") and issue.show_identity
        if issue.outcome != "pending":
            assert issue.answer and issue.answered_at > issue.routed_at > issue.created_at
    assert AuditEntry.objects.filter(action="regulatory_issue.submit").count() == len(DEMO_ISSUES)
    assert AuditEntry.objects.filter(action="regulatory_issue.answer").count() == 2

    page = client.get(reverse("policy:issue_list")).content.decode()
    for issue in issues:
        assert issue.rule in page


def test_without_the_plans_demo_offices_nothing_is_made(townships):
    assert ensure_demo_regulatory_issues() == 0
    assert not RegulatoryIssue.objects.exists()


def test_the_command_refuses_the_production_settings(settings):
    from django.core.management.base import CommandError

    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="dev or test"):
        call_command("load_demo_regulatory_issues")
