"""The regulatory issues in the Wagtail admin: staff list them by outcome and ministry, route and answer them
through policy.actions (audit entries), and a refused answer leaves nothing half-saved."""

import pytest
from django.urls import reverse

from cms.models import Ministry
from core.models import AuditEntry
from policy import actions
from policy.models import RegulatoryIssue
from tests.policy.test_regulatory_issues import office, staff  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def issues(office):  # noqa: F811
    def make(rule):
        return actions.submit_issue(
            office["clerk"],
            office["organisation"],
            rule=rule,
            township=office["township"],
            blocks="無法營業",
            proposal="放寬",
            show_identity=False,
        )

    return make("農地不得設置體驗工坊"), make("民宿登記的面積上限")


def _form(ministry="", outcome="pending", answer=""):
    return {"ministry": str(ministry.pk) if ministry else "", "outcome": outcome, "answer": answer}


def test_staff_list_issues_filtered_by_outcome_and_ministry(client, staff, issues):  # noqa: F811
    first, second = issues
    ministry = Ministry.objects.get(name_zh="農業部")
    actions.route_issue(staff, first, ministry)
    actions.record_answer(staff, first, outcome="reinterpreted", answer="可以")
    client.force_login(staff)
    index = reverse("regulatory_issues:index")
    page = client.get(index).text
    assert first.rule in page and second.rule in page
    page = client.get(index, {"outcome": "reinterpreted"}).text
    assert first.rule in page and second.rule not in page
    page = client.get(index, {"ministry": str(ministry.pk)}).text
    assert first.rule in page and second.rule not in page
    assert client.get(reverse("regulatory_issues:inspect", args=[second.pk])).status_code == 200


def test_the_list_heads_every_column_with_a_capital_and_sorts_by_place(client, staff, issues):  # noqa: F811
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "en"
    profile.save(update_fields=["preferred_language"])
    client.force_login(staff)

    page = client.get(reverse("regulatory_issues:index")).text
    by_place = client.get(reverse("regulatory_issues:index"), {"ordering": "township"})

    assert "Where" in page
    assert ">where<" not in page.replace("\n", "").replace(" ", "")
    assert "ordering=township" in page
    assert by_place.status_code == 200


def test_staff_route_and_answer_in_one_save_with_audit_entries(client, staff, issues):  # noqa: F811
    issue = issues[0]
    ministry = Ministry.objects.get(name_zh="農業部")
    client.force_login(staff)
    edit = reverse("regulatory_issues:edit", args=[issue.pk])
    response = client.post(edit, _form(ministry, "amended", "已修正規定"))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.ministry, issue.outcome, issue.answer) == (ministry, "amended", "已修正規定")
    assert issue.routed_at is not None and issue.answered_at is not None
    logged = set(AuditEntry.objects.filter(action__startswith="regulatory_issue").values_list("action", flat=True))
    assert {"regulatory_issue.route", "regulatory_issue.answer"} <= logged


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"ministry": None, "outcome": "refused", "answer": "不行"},
            "Route the issue to a ministry before recording its answer.",
        ),
        ({"ministry": "moa", "outcome": "refused", "answer": ""}, "Write the ministry's answer."),
        ({"ministry": "moa", "outcome": "abolished", "answer": "x"}, "abolished"),
    ],
)
def test_a_refused_answer_leaves_the_issue_as_it_was(client, staff, issues, data, message):  # noqa: F811
    issue = issues[0]
    ministry = Ministry.objects.get(name_zh="農業部") if data["ministry"] else None
    client.force_login(staff)
    response = client.post(
        reverse("regulatory_issues:edit", args=[issue.pk]),
        _form(ministry, data["outcome"], data["answer"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    # The admin speaks the staff member's language (the site's default here): the refusal in that language.
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("zh-hant"):
        expected = escape(translation.gettext(message))
    assert expected in response.content.decode()
    issue.refresh_from_db()
    assert (issue.ministry_id, issue.routed_at, issue.outcome, issue.answer) == (None, None, "pending", "")


def test_nobody_adds_or_deletes_issues_in_the_admin_and_non_staff_are_kept_out(client, staff, office, issues):  # noqa: F811
    client.force_login(staff)
    page = client.get(reverse("regulatory_issues:index")).text
    assert "/admin/regulatory_issues/new/" not in page
    assert client.get(f"/admin/regulatory_issues/delete/{issues[0].pk}/").status_code in (302, 403, 404)
    assert RegulatoryIssue.objects.count() == 2
    client.force_login(office["clerk"])
    assert client.get(reverse("regulatory_issues:index")).status_code in (302, 403)


@pytest.mark.parametrize(
    ("language", "answered", "waiting"),
    [
        ("en", "Rule reinterpreted", "Awaiting an answer"),
        ("zh-hant", "已重新解釋法規", "等待部會回覆"),
        ("ja", "解釈の見直し", "回答待ち"),
    ],
)
def test_outcomes_read_as_labels_in_the_staff_members_language(client, staff, issues, language, answered, waiting):  # noqa: F811
    from wagtail.users.models import UserProfile

    first, _second = issues
    actions.route_issue(staff, first, Ministry.objects.get(name_zh="農業部"))
    actions.record_answer(staff, first, outcome="reinterpreted", answer="可以")
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])
    client.force_login(staff)

    page = client.get(reverse("regulatory_issues:index")).text

    assert answered in page and waiting in page
    assert "rule reinterpreted" not in page and ">pending<" not in page.replace(" ", "").replace("\n", "")
