"""Corporate giving (issue #22.2): a company's admin donates or subscribes as the company, the receipt names it and
its 統一編號, and the payment counts in the company's evidence report (impact.corporate), exported as CSV and PDF."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts import actions as account_actions
from accounts.models import Organisation, Role
from core.actions import ActionRefused
from marketplace.models import CompanyProfile
from marketplace.validators import unified_business_number_is_valid
from payments import checkout
from payments.models import Backing
from tests.factories.accounts import UserFactory
from tests.factories.payments import record_payment

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]

TSMC = "22099131"


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("22099131", True),  # 台積電
        ("04541302", True),  # 鴻海
        ("96979933", True),  # 中華電信
        ("10458575", True),  # 7th digit 7, sum divisible by 5
        ("10458574", True),  # 7th digit 7: 28 counts as 1, so sum + 1 divides (the MOF special case)
        ("00000005", True),  # divisible by 5 but not by 10: valid only under the 2023 rule
        ("22099132", False),
        ("12345678", False),
        ("00000010", False),
        ("1234567", False),
        ("2209913a", False),
        ("２２０９９１３１", False),  # full-width digits are not the number (the form normalises before)
    ],
)
def test_unified_business_number_checksum(number, valid):
    assert unified_business_number_is_valid(number) is valid


@pytest.fixture
def company(bob):
    """台灣好公司: bob is its admin (its creator), carl a plain member; its profile has a valid 統一編號."""
    organisation = account_actions.create_organisation(bob, kind=Organisation.Kind.COMPANY, name="台灣好公司")
    carl = UserFactory(email="carl@example.tw", display_name="Carl")
    organisation.memberships.create(user=carl, role=Role.MEMBER)
    profile = CompanyProfile.objects.create(organisation=organisation, unified_business_number=TSMC, size="large")
    return {"organisation": organisation, "profile": profile, "admin": bob, "member": carl}


def donate_url(listing):
    return reverse("payments:donate", kwargs={"project_id": listing.project_id})


def test_an_admin_donates_as_the_company_and_the_backing_records_it(client, listing, campaign, company):
    client.force_login(company["admin"])
    page = client.get(donate_url(listing)).content.decode()
    assert "台灣好公司" in page and 'name="payer"' in page

    response = client.post(
        donate_url(listing), {"suggested": "other", "custom_amount": "50000", "payer": company["organisation"].pk}
    )

    assert response.status_code == 302
    backing = Backing.objects.get()
    assert (
        backing.paying_organisation,
        backing.payer_company_name,
        backing.payer_unified_business_number,
        backing.backer,
    ) == (company["organisation"], "台灣好公司", TSMC, company["admin"])
    assert backing.stripe_checkout_session_id  # opened on stripe-mock


def test_a_member_without_the_admin_role_cannot_pay_as_the_company(client, listing, campaign, company, plan):
    client.force_login(company["member"])
    assert 'name="payer"' not in client.get(donate_url(listing)).content.decode()  # not offered
    with translation.override("en"):
        response = client.post(
            donate_url(listing),
            {"suggested": "other", "custom_amount": "50000", "payer": company["organisation"].pk},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert not Backing.objects.exists()
    # The action refuses it too, with the reason, whatever form posts it; nothing is saved.
    with translation.override("en"), pytest.raises(ActionRefused, match="Only an admin of 台灣好公司"):
        checkout.start_donation(
            company["member"],
            listing,
            amount_twd=50_000,
            anonymous=False,
            name="",
            success_url="https://example.tw/s",
            cancel_url="https://example.tw/c",
            company=company["organisation"],
        )
    with translation.override("en"), pytest.raises(ActionRefused, match="Only an admin"):
        checkout.start_subscription(
            company["member"],
            plan,
            anonymous=False,
            name="",
            success_url="https://example.tw/s",
            cancel_url="https://example.tw/c",
            company=company["organisation"],
        )
    assert not Backing.objects.exists()


def test_a_company_without_a_valid_number_cannot_be_the_payer(listing, campaign, company):
    CompanyProfile.objects.filter(pk=company["profile"].pk).update(unified_business_number="12345678")
    with translation.override("en"), pytest.raises(ActionRefused, match="no valid unified business number"):
        checkout.start_donation(
            company["admin"],
            listing,
            amount_twd=1_000,
            anonymous=False,
            name="",
            success_url="https://example.tw/s",
            cancel_url="https://example.tw/c",
            company=company["organisation"],
        )
    assert not Backing.objects.exists()


def _corporate_donation(listing, company, amount=50_000):
    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION,
        status=Backing.Status.PAID,
        listing=listing,
        backer=company["admin"],
        backer_email=company["admin"].email,
        amount_twd=amount,
        paying_organisation=company["organisation"],
        payer_company_name="台灣好公司",
        payer_unified_business_number=TSMC,
    )
    return backing, record_payment(backing, receipt_number=f"HW-{timezone.now().year}-000123")


def test_the_receipt_names_the_company_its_number_and_says_no_tax_claim_without_a_registered_charity(
    client, listing, company
):
    _backing, entry = _corporate_donation(listing, company)
    client.force_login(company["admin"])
    url = "/en" + reverse("payments:receipt", kwargs={"pk": entry.pk})[len("/zh-hant") :]
    page = client.get(url).content.decode()
    assert "台灣好公司" in page and TSMC in page and "NT$50,000" in page
    assert "is not a registered charity" in page and "Donation receipt" not in page

    enterprise = listing.enterprise
    enterprise.registered_charity = True
    enterprise.charity_registration_number = "台內團字第1234567號"
    enterprise.save()
    page = client.get(url).content.decode()
    assert "Donation receipt" in page and "台內團字第1234567號" in page and "not a registered charity" not in page

    # Another admin of the company sees the receipt (the company files it); a plain member does not.
    other_admin = UserFactory(email="dora@example.tw")
    company["organisation"].memberships.create(user=other_admin, role=Role.ADMIN)
    client.force_login(other_admin)
    assert client.get(url).status_code == 200
    client.force_login(company["member"])
    assert client.get(url).status_code == 404


def test_the_evidence_report_counts_corporate_money_and_confirmed_commitments_and_exports_csv_and_pdf(
    client, listing, company
):
    from pypdf import PdfReader

    from marketplace.models import Interest

    _corporate_donation(listing, company, amount=50_000)
    Backing.objects.create(  # bob's own donation: not the company's money
        kind=Backing.Kind.DONATION, status=Backing.Status.PAID, listing=listing, backer=company["admin"], amount_twd=777
    )
    record_payment(Backing.objects.get(amount_twd=777))
    now = timezone.now()
    Interest.objects.create(
        company=company["profile"],
        project=listing.project,
        stage=Interest.Stage.COMMITTED,
        committed_amount_twd=1_500_000,
        committed_instrument="equity",
        commitment_proposed_by_side="team",
        commitment_confirmed_at=now,
    )
    year = timezone.localdate().year
    client.force_login(company["member"])  # every member sees the company's evidence
    slug = company["organisation"].slug
    page = client.get(reverse("impact:company_report", kwargs={"slug": slug}), {"year": year}).content.decode()
    assert "NT$50,000" in page and "NT$1,500,000" in page and "NT$50,777" not in page
    assert reverse("marketplace:interest_detail", kwargs={"pk": Interest.objects.get().pk}) in page

    csv_text = client.get(reverse("impact:company_report_csv", kwargs={"slug": slug}), {"year": year}).content
    csv_text = csv_text.decode("utf-8-sig")
    assert "50000" in csv_text and "1500000" in csv_text and "台灣好公司" in csv_text
    assert "/receipts/" in csv_text or "receipt" in csv_text

    # The PDF in the company's language (zh-hant by default), then in Japanese.
    response = client.get(reverse("impact:company_report_pdf", kwargs={"slug": slug}), {"year": year})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "50,000" in text and "1,500,000" in text and TSMC in text
    assert "台灣好公司" in text and "雙方確認的承諾投資" in text
    company["profile"].report_language = "ja"
    company["profile"].save()
    response = client.get(reverse("impact:company_report_pdf", kwargs={"slug": slug}), {"year": year})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "双方が確認した出資約束" in text and "1,500,000" in text

    # A past year without records: zero, and the figures say so.
    csv_text = client.get(reverse("impact:company_report_csv", kwargs={"slug": slug}), {"year": year - 1}).content
    assert b"NT$0" in csv_text


def test_outsiders_do_not_see_a_companys_evidence_report(client, company, alice):
    client.force_login(alice)
    response = client.get(reverse("impact:company_report_pdf", kwargs={"slug": company["organisation"].slug}))
    assert response.status_code == 403


def test_the_evidence_csv_keeps_a_title_typed_as_a_formula_as_text(client, listing, company):
    """A team's project title is typed by the team, not the company: in the company's CSV it must not run as a
    formula (core.spreadsheets), as in every other export."""
    import csv

    from cms.models import ProjectPage

    ProjectPage.objects.filter(pk=listing.project_id).update(title='=HYPERLINK("https://evil.example","魚")')
    _corporate_donation(listing, company, amount=50_000)
    client.force_login(company["member"])
    url = reverse("impact:company_report_csv", kwargs={"slug": company["organisation"].slug})
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    labels = [row[1] for row in rows if len(row) > 1 and "HYPERLINK" in row[1]]
    assert labels and all(label.startswith("'=HYPERLINK") for label in labels)
    assert any(len(row) > 3 and row[3] == "50000" for row in rows), "amounts stay numbers"


def test_an_admin_who_backs_a_plan_already_is_offered_only_the_company_then_only_the_subscriptions_page(
    client, plan, company
):
    """The subscribe page of a plan the person already backs showed the notice and still the whole form, whose
    Continue was then refused. Each payer backs a plan once: the person may still subscribe as their company (only
    that is offered), and once the company backs it too, the page links to the subscription and shows no form."""
    from tests.factories.payments import pending_subscription

    bob = company["admin"]
    own = pending_subscription(plan, bob, status=Backing.Status.ACTIVE)
    url = re.sub(
        r"^/[^/]+/",
        "/en/",
        reverse("payments:subscribe", kwargs={"project_id": plan.listing.project_id, "plan_id": plan.pk}),
    )
    client.force_login(bob)

    page = client.get(url).text
    assert "You already back this plan yourself" in page
    assert reverse("payments:backing_detail", kwargs={"pk": own.pk}) in page
    assert f'value="{company["organisation"].pk}"' in page and "checked" in page
    assert ">Myself<" not in page

    # Sent as themselves all the same (an older page): refused in the form, nothing started.
    refused = client.post(url, {"payer": ""})
    assert refused.status_code == 400
    assert "You already back this plan yourself: choose the company to pay as." in refused.text
    assert list(Backing.objects.values_list("pk", flat=True)) == [own.pk]

    response = client.post(url, {"payer": company["organisation"].pk})
    assert response.status_code == 302
    as_company = Backing.objects.exclude(pk=own.pk).get()
    assert (as_company.paying_organisation, as_company.payer_unified_business_number) == (company["organisation"], TSMC)

    # The company backs it too: nothing left to subscribe as, so no form, the way to the subscription instead.
    Backing.objects.filter(pk=as_company.pk).update(status=Backing.Status.ACTIVE)
    for language, notice in [
        ("en", "You already back this plan: pause it"),
        ("zh-hant", "您已經訂閱這個方案"),
        ("ja", "このプランはすでに支援しています"),
    ]:
        page = client.get(url.replace("/en/", f"/{language}/", 1)).text
        assert notice in page
        assert 'name="payer"' not in page and "demo checkout" not in page and "Subscribe with Stripe" not in page
    assert client.post(url, {"payer": company["organisation"].pk}).status_code == 400
    assert Backing.objects.count() == 2
