import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from core.actions import ActionRefused
from marketplace import actions
from marketplace.models import CompanyProfile, HometownTie
from tests.factories.market import KOUHU, township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


def profile_data(**changes):
    data = {
        "unified_business_number": "04595257",
        "size": "small",
        "ticket_min_twd": "100,000",
        "ticket_max_twd": "NT$500000",
        "csr_contact_name": "王小姐",
        "csr_contact_email": "csr@example.tw",
        "report_language": "zh-hant",
    }
    data.update(changes)
    return data


@pytest.fixture
def new_company(market):
    from accounts.actions import create_organisation

    return create_organisation(market["carol"], kind="company", name="新公司")


def test_an_admin_creates_the_company_profile(client, new_company):
    client.force_login(new_company.members.get())
    response = client.post(reverse("marketplace:company_profile", kwargs={"slug": new_company.slug}), profile_data())

    assert response.status_code == 302
    profile = CompanyProfile.objects.get(organisation=new_company)
    assert (profile.ticket_min_twd, profile.ticket_max_twd) == (100_000, 500_000)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unified_business_number": "04595258"}, "not a valid unified business number"),
        ({"ticket_min_twd": "600000"}, "largest ticket must not be smaller"),
        ({"ticket_min_twd": "-5"}, "smallest amount"),
        ({"ticket_max_twd": "1000.50"}, "without decimals"),
        # Digits from a paste or another keyboard: the form's message, never a 500.
        ({"unified_business_number": "0459525³"}, "not a valid unified business number"),
        ({"unified_business_number": "〇四五九五二五七"}, "not a valid unified business number"),
        ({"ticket_min_twd": "--5"}, "without spaces or other signs"),
        ({"ticket_max_twd": "9" * 5000}, "largest amount"),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_is_saved(client, new_company, changes, message):
    client.force_login(new_company.members.get())
    with translation.override("en"):
        response = client.post(
            f"/en/marketplace/companies/{new_company.slug}/profile/", profile_data(**changes), HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 400
    assert message in response.text
    assert not CompanyProfile.objects.filter(organisation=new_company).exists()


def test_full_width_and_other_scripts_digits_are_stored_as_ascii_digits(client, new_company):
    client.force_login(new_company.members.get())
    data = profile_data(unified_business_number="０４５９５２５７", ticket_min_twd="١٠٠٠٠٠")

    response = client.post(reverse("marketplace:company_profile", kwargs={"slug": new_company.slug}), data)

    assert response.status_code == 302
    profile = CompanyProfile.objects.get(organisation=new_company)
    assert (profile.unified_business_number, profile.ticket_min_twd) == ("04595257", 100_000)


def test_a_member_who_is_not_an_admin_cannot_edit_the_profile(client, market):
    client.force_login(market["dave"])
    url = reverse("marketplace:company_profile", kwargs={"slug": market["company_org"].slug})

    assert client.get(url).status_code == 200
    assert client.post(url, profile_data(size="large")).status_code == 403
    assert CompanyProfile.objects.get(pk=market["company"].pk).size == "medium"


def test_an_employee_shares_their_home_township_with_consent_and_removes_it(market):
    company, dave = market["company"], market["dave"]
    with translation.override("en"), pytest.raises(ActionRefused, match="consent"):
        actions.add_own_tie(dave, company, township=township(KOUHU), consent=False)
    assert not HometownTie.objects.filter(member=dave).exists()

    tie = actions.add_own_tie(dave, company, township=township(KOUHU), consent=True)
    assert (tie.kind, tie.employee_count, tie.member, tie.consented_at is not None) == ("employees", 1, dave, True)
    with translation.override("en"), pytest.raises(ActionRefused, match="already shared"):
        actions.add_own_tie(dave, company, township=township(KOUHU), consent=True)
    # The admin may not remove an employee's own tie; the employee may.
    with translation.override("en"), pytest.raises(ActionRefused, match="Only the employee"):
        actions.remove_tie(market["carol"], tie)
    actions.remove_tie(dave, tie)
    assert not HometownTie.objects.filter(member=dave).exists()


def test_only_admins_add_or_remove_company_wide_ties(market):
    company = market["company"]
    with pytest.raises(PermissionDenied):
        actions.add_company_tie(market["dave"], company, kind="plant", township=township(KOUHU))
    with pytest.raises(PermissionDenied):
        actions.remove_tie(market["dave"], company.ties.first())
    with translation.override("en"), pytest.raises(ActionRefused, match="how many employees"):
        actions.add_company_tie(market["carol"], company, kind="employees", township=township(KOUHU))
    tie = actions.add_company_tie(market["carol"], company, kind="plant", township=township(KOUHU))
    assert tie.employee_count == 0
    actions.remove_tie(market["carol"], tie)
    assert company.ties.count() == 3


def test_the_ties_page_lists_ties_for_members_only(client, market):
    url = reverse("marketplace:company_ties", kwargs={"slug": market["company_org"].slug})
    client.force_login(market["dave"])
    assert "美濃區" in client.get(url).text
    client.force_login(market["erin"])
    assert client.get(url).status_code == 403


def test_the_ties_page_names_each_kind_of_tie_with_a_capital_letter(client, market):
    client.force_login(market["carol"])
    with translation.override("en"):
        html = client.get(reverse("marketplace:company_ties", kwargs={"slug": market["company_org"].slug})).text

    assert '<option value="headquarters">Headquarters</option>' in html
    assert '<td data-label="Kind of tie">Headquarters</td>' in html
    assert '<td data-label="Kind of tie">Founder&#x27;s home township</td>' in html
    assert ">headquarters<" not in html


@pytest.mark.parametrize(("language", "name"), [("ja", "企業：台灣好公司"), ("en", "Company: 台灣好公司")])
def test_the_company_menu_is_named_with_the_languages_colon(client, market, language, name):
    client.force_login(market["carol"])
    with translation.override(language):
        html = client.get(reverse("marketplace:company_ties", kwargs={"slug": market["company_org"].slug})).text

    assert f'<nav class="organisation-nav" aria-label="{name}">' in html


def test_the_ties_page_uses_each_id_once_though_both_of_its_forms_ask_for_a_township(client, market):
    import re

    client.force_login(market["carol"])  # an admin sees the company form and the form for her own township
    html = client.get(reverse("marketplace:company_ties", kwargs={"slug": market["company_org"].slug})).text

    ids = re.findall(r' id="([^"]+)"', html)
    assert "id_township" in ids and "id_own_township" in ids
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="id_own_township"' in html


def test_on_a_phone_each_tie_is_a_card_whose_cells_are_labelled_and_whose_button_names_the_tie(client, market):
    import re

    client.force_login(market["carol"])
    url = reverse("marketplace:company_ties", kwargs={"slug": market["company_org"].slug})
    html = client.get(f"/en{url[url.index('/', 1) :]}").text

    # site.css lays out .stacked-table as cards under 40rem: every cell with text says what it is.
    table = re.search(r'<table class="table stacked-table">.*?</table>', html, re.S).group(0)
    cells = re.findall(r"<td([^>]*)>", table)
    assert cells and all('data-label="' in cell or "stacked-table-" in cell for cell in cells)
    assert re.search(r'Remove<span class="visually-hidden"> the tie to [^<]+</span></button>', table)


def test_a_refused_home_township_keeps_the_township_chosen_and_says_why(client, market):
    import re

    client.force_login(market["dave"])
    url = reverse("marketplace:own_tie_add", kwargs={"slug": market["company_org"].slug})
    kouhu = township(KOUHU)

    for language, words in (("en", "Tick the consent box"), ("ja", "同意のチェックを入れてください")):
        response = client.post(f"/{language}{url[url.index('/', 1) :]}", {"township": kouhu.pk})

        assert response.status_code == 400
        assert words in response.text and "data-error-summary" in response.text
        assert re.search(rf'<option value="{kouhu.pk}" selected>', response.text)
    assert not market["company"].ties.filter(member=market["dave"]).exists()


def test_a_shared_home_township_is_in_the_persons_data_export_and_goes_with_the_account(market):
    from accounts.actions import delete_account, export_personal_data

    actions.add_own_tie(market["dave"], market["company"], township=township(KOUHU), consent=True)

    exported = export_personal_data(market["dave"])["data"]["hometown_ties"]
    assert [(item["company"], item["township"]) for item in exported] == [("台灣好公司", KOUHU)]
    delete_account(market["dave"])
    assert not HometownTie.objects.filter(township__code=KOUHU).exists()
