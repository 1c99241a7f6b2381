"""Regulatory issues: raised by teams, offices and associations; routed by staff to a ministry; answered; public
with the submitter's identity as they chose; bad input refused; audit entries for every change."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import actions as account_actions
from accounts.models import Organisation, User
from cms.models import Ministry
from core.models import AuditEntry
from places.models import Township
from policy.models import RegulatoryIssue
from tests.factories.accounts import UserFactory
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def office(townships):
    clerk = UserFactory(email="clerk@example.tw", display_name="Clerk")
    township = Township.objects.get(code="10014030")
    organisation = account_actions.create_organisation(
        clerk, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="關山鎮公所", township=township
    )
    return {"clerk": clerk, "organisation": organisation, "township": township}


@pytest.fixture
def staff(db):
    return with_mfa(User.objects.create_superuser("staff@homeward.test", "a-long-password-4"))


def submit(client, office, **overrides):
    data = {
        "organisation": str(office["organisation"].pk),
        "rule": "農地不得設置體驗工坊",
        "township": str(office["township"].pk),
        "blocks": "農村體驗工坊無法合法營業",
        "proposal": "放寬農業用地作農業體驗之規定",
    }
    data.update(overrides)
    return client.post(reverse("policy:issue_new"), data)


def test_an_office_raises_an_issue_anonymously_and_the_public_sees_only_its_kind(client, office):
    client.force_login(office["clerk"])

    response = submit(client, office)

    issue = RegulatoryIssue.objects.get()
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    assert issue.outcome == RegulatoryIssue.Outcome.PENDING and issue.ministry is None
    assert AuditEntry.objects.filter(action="regulatory_issue.submit", actor=office["clerk"]).count() == 1
    client.logout()
    listing = client.get(reverse("policy:issue_list")).content.decode()
    detail = client.get(issue.get_absolute_url()).content.decode()
    for page in (listing, detail):
        assert "農地不得設置體驗工坊" in page
        assert "關山鎮公所" not in page
        assert "鄉鎮市區公所" in page or "公所" in page


def test_an_issue_sent_twice_is_stored_once(client, office):
    """A double click (or the form sent again after a slow answer) stored the issue twice for staff to route."""
    client.force_login(office["clerk"])

    first, again = submit(client, office), submit(client, office)

    issue = RegulatoryIssue.objects.get()
    assert first["Location"] == again["Location"] == issue.get_absolute_url()
    assert AuditEntry.objects.filter(action="regulatory_issue.submit").count() == 1
    submit(client, office, blocks="另一個問題")
    assert RegulatoryIssue.objects.count() == 2, "another issue is another issue"


def test_a_submitter_who_chose_to_be_named_is_named(client, office):
    client.force_login(office["clerk"])
    submit(client, office, show_identity="on")
    client.logout()

    assert "關山鎮公所" in client.get(reverse("policy:issue_list")).content.decode()


@pytest.mark.parametrize(("missing", "message"), [("rule", "Say which rule"), ("township", "Say where")])
def test_an_issue_without_rule_or_place_is_refused_and_nothing_is_saved(client, office, missing, message):
    client.force_login(office["clerk"])

    with translation.override("en"):
        response = submit(client, office, **{missing: ""})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RegulatoryIssue.objects.exists()
    assert not AuditEntry.objects.filter(action="regulatory_issue.submit").exists()


def test_people_without_a_team_office_or_association_cannot_raise_one(client, office):
    carol = UserFactory(email="carol@example.tw")
    company = account_actions.create_organisation(carol, kind=Organisation.Kind.COMPANY, name="好公司")
    client.force_login(carol)

    assert client.get(reverse("policy:issue_new")).status_code == 403
    response = submit(client, office, organisation=str(company.pk))
    assert response.status_code == 403
    assert not RegulatoryIssue.objects.exists()


def test_a_member_cannot_raise_it_on_behalf_of_someone_elses_office(client, office):
    erin = UserFactory(email="erin@example.tw")
    account_actions.create_organisation(erin, kind=Organisation.Kind.ENTERPRISE, name="團隊")
    client.force_login(erin)

    response = submit(client, office)

    assert response.status_code == 400  # the office is not among the choices offered
    assert not RegulatoryIssue.objects.exists()


def test_staff_route_the_issue_and_record_the_answer_with_audit_entries(client, office, staff):
    client.force_login(office["clerk"])
    submit(client, office)
    issue = RegulatoryIssue.objects.get()
    agriculture = Ministry.objects.get(name_zh="農業部")
    client.force_login(staff)

    refused = client.post(
        reverse("policy:issue_answer", kwargs={"pk": issue.pk}), {"outcome": "amended", "answer": "x"}
    )
    issue.refresh_from_db()
    assert refused.status_code == 302 and issue.outcome == "pending"  # not routed yet: refused with a message

    client.post(reverse("policy:issue_route", kwargs={"pk": issue.pk}), {"ministry": str(agriculture.pk)})
    no_answer = client.post(
        reverse("policy:issue_answer", kwargs={"pk": issue.pk}), {"outcome": "amended", "answer": ""}
    )
    issue.refresh_from_db()
    assert no_answer.status_code == 302 and issue.outcome == "pending"
    client.post(
        reverse("policy:issue_answer", kwargs={"pk": issue.pk}),
        {"outcome": "reinterpreted", "answer": "農業部函釋：體驗活動屬農業經營之附屬使用。"},
    )

    issue.refresh_from_db()
    assert issue.ministry == agriculture and issue.routed_at is not None
    assert issue.outcome == "reinterpreted" and issue.answered_at is not None
    actions = list(AuditEntry.objects.filter(actor=staff).order_by("id").values_list("action", flat=True))
    assert actions == ["regulatory_issue.route", "regulatory_issue.answer"]
    client.logout()
    with translation.override("en"):
        page = client.get(issue.get_absolute_url()).content.decode()
    assert "Ministry of Agriculture" in page and "Rule reinterpreted" in page and "體驗活動" in page
    assert "Record the answer" not in page  # the staff forms are for staff only


def test_people_who_are_not_staff_cannot_route_or_answer(client, office):
    client.force_login(office["clerk"])
    submit(client, office)
    issue = RegulatoryIssue.objects.get()

    assert client.post(reverse("policy:issue_route", kwargs={"pk": issue.pk}), {"ministry": "1"}).status_code == 403
    response = client.post(
        reverse("policy:issue_answer", kwargs={"pk": issue.pk}), {"outcome": "refused", "answer": "x"}
    )
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.ministry is None and issue.outcome == "pending"


def test_the_public_list_filters_and_pages(client, office):
    agriculture = Ministry.objects.get(name_zh="農業部")
    other_township = Township.objects.get(code="10008040")
    for number in range(23):
        RegulatoryIssue.objects.create(
            rule=f"規定{number}",
            township=other_township if number == 0 else office["township"],
            blocks="x",
            proposal="y",
            submitter=office["clerk"],
            organisation=office["organisation"],
            ministry=agriculture if number % 2 else None,
            outcome="amended" if number == 1 else "pending",
        )
    url = reverse("policy:issue_list")

    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(first.context["page"].object_list) == 20 and len(second.context["page"].object_list) == 3
    assert [i.rule for i in client.get(url, {"outcome": "amended"}).context["page"].object_list] == ["規定1"]
    assert client.get(url, {"ministry": "moa"}).context["page"].paginator.count == 11
    county = other_township.county.code
    assert [i.rule for i in client.get(url, {"county": county}).context["page"].object_list] == ["規定0"]


@pytest.mark.django_db
def test_the_issue_forms_townships_read_county_then_township_with_a_space_in_english(townships):
    from django.utils import translation

    from accounts.models import Organisation
    from policy.forms import IssueForm

    with translation.override("en"):
        labels = [
            label for _value, label in IssueForm(organisations=Organisation.objects.none()).fields["township"].choices
        ]
    assert "Pingtung County Neipu Township" in labels
