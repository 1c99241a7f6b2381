import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from marketplace import actions
from marketplace.models import EnterpriseProfile

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_team_member_creates_and_edits_the_profile_from_the_public_site(client, cms_site, team, bob, kouhu):
    client.force_login(bob)
    url = reverse("marketplace:enterprise_edit", kwargs={"slug": team.slug})
    data = {"township": kouhu.pk, "team_size": 5, "members_returned_home": 2, "summary": "返鄉", "founded_year": 2019}

    response = client.post(url, data)

    assert response.status_code == 302
    profile = EnterpriseProfile.objects.get(organisation=team)
    assert (profile.township, profile.team_size, profile.members_returned_home) == (kouhu, 5, 2)
    assert AuditEntry.objects.filter(action="enterprise.create", organisation=team).exists()
    client.post(url, {**data, "summary": "改寫"})
    profile.refresh_from_db()
    assert profile.summary == "改寫"


def test_a_first_profile_starts_in_the_township_the_team_named(client, cms_site, team, bob, kouhu):
    team.township = kouhu
    team.save()
    client.force_login(bob)

    response = client.get(reverse("marketplace:enterprise_edit", kwargs={"slug": team.slug}))

    assert response.context["form"]["township"].value() == kouhu.pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"members_returned_home": 9}, "More members returned home"),
        ({"founded_year": 1800}, "founding year"),
        ({"team_size": 0}, "at least one member"),
        ({"website": "not a url"}, "valid URL"),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_is_saved(client, cms_site, team, alice, kouhu, change, message):
    client.force_login(alice)
    data = {"township": kouhu.pk, "team_size": 5, "members_returned_home": 2, **change}
    with translation.override("en"):
        response = client.post(f"/en/enterprises/{team.slug}/edit/", data)

    assert response.status_code == 400
    assert message in response.text
    assert not EnterpriseProfile.objects.exists()


def test_someone_outside_the_team_cannot_write_its_profile(cms_site, team, mallory, kouhu):
    with pytest.raises(PermissionDenied):
        actions.save_enterprise_profile(mallory, team, township=kouhu)
    assert not EnterpriseProfile.objects.exists()


def test_a_company_cannot_have_an_enterprise_profile(cms_site, mallory, kouhu):
    from accounts.actions import create_organisation

    company = create_organisation(mallory, kind="company", name="Mallory Corp")
    with pytest.raises(PermissionDenied):
        actions.save_enterprise_profile(mallory, company, township=kouhu)


def test_the_public_profile_shows_the_badge_only_once_staff_verified(client, profile, team, django_user_model):
    with translation.override("en"):
        url = reverse("marketplace:enterprise_detail", kwargs={"slug": team.slug})
        assert "Not yet verified" in client.get(url).text
    staff = django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1")

    actions.verify_enterprise(staff, profile)

    with translation.override("en"):
        assert "Verified by Homeward staff" in client.get(url).text
    assert AuditEntry.objects.filter(action="enterprise.verify", actor=staff).exists()


def test_a_team_member_cannot_verify_their_own_enterprise(profile, alice):
    with pytest.raises(PermissionDenied):
        actions.verify_enterprise(alice, profile)
    profile.refresh_from_db()
    assert not profile.is_verified


def test_staff_verify_from_the_admin_after_a_confirmation(client, profile, django_user_model):
    from tests.helpers import with_mfa

    staff = with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))
    client.force_login(staff)
    verify = reverse("enterprises:verify")

    staff.wagtail_userprofile.preferred_language = "en"  # the admin speaks the staff member's language
    staff.wagtail_userprofile.save()

    inspect = client.get(reverse("enterprises:inspect", args=[profile.pk]))
    confirmation = client.get(verify, {"pk": profile.pk})
    one_click = client.post(verify, {"pk": profile.pk})

    assert f"{verify}?pk={profile.pk}" in inspect.text
    assert confirmation.status_code == one_click.status_code == 200
    assert "Homeward staff have checked this team is who it says it is" in confirmation.text
    assert 'name="confirm"' in confirmation.text
    profile.refresh_from_db()
    assert not profile.is_verified  # neither looking nor a one-click POST verifies

    response = client.post(verify, {"pk": profile.pk, "confirm": "1"})

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.verified_by == staff
    assert AuditEntry.objects.filter(action="enterprise.verify", actor=staff).count() == 1
    assert client.get(verify, {"pk": profile.pk}).status_code == 302  # already verified: back to its page


@pytest.mark.parametrize("language", ["zh-hant", "ja"])
def test_the_verify_confirmation_reads_in_the_staff_language(client, profile, django_user_model, language):
    from tests.helpers import with_mfa

    staff = with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))
    staff.wagtail_userprofile.preferred_language = language
    staff.wagtail_userprofile.save()
    client.force_login(staff)

    text = client.get(reverse("enterprises:verify"), {"pk": profile.pk}).text
    with translation.override(language):
        expected = translation.gettext("Your name and the time are kept in the audit log.")

    assert expected != "Your name and the time are kept in the audit log."
    assert expected in text


def test_someone_without_admin_access_cannot_reach_the_verify_confirmation(client, profile, alice):
    client.force_login(alice)

    response = client.get(reverse("enterprises:verify"), {"pk": profile.pk})

    assert response.status_code in (302, 403)
    profile.refresh_from_db()
    assert not profile.is_verified


def test_the_township_page_lists_its_enterprises(client, profile, team):
    from cms.actions import township_page_for

    response = client.get(township_page_for(profile.township).url)

    assert team.name in response.text
    assert reverse("marketplace:enterprise_detail", kwargs={"slug": team.slug}) in response.text
