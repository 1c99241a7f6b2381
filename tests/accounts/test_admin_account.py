"""The staff's Account screen in the admin (accounts.admin_account): a person without a first or last name (none of
ours has one) can save it, and the admin language chosen there is the person's language and stays."""

import pytest
from wagtail.users.models import UserProfile

from accounts.models import User
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def staff():
    user = with_mfa(User.objects.create_superuser("staff@homeward.test", "pw-for-tests-123"))
    user.display_name = "Homeward 編輯"
    user.save()
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def account_form(**changes):
    data = {
        "name_email-display_name": "Homeward 編輯",
        "locale-preferred_language": "zh-hant",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-contrast": "system",
        "theme-density": "default",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "language, saved",
    [("ja", "アカウント設定を保存しました。"), ("en", "Your account settings have been changed successfully!")],
)
def test_staff_switch_the_admin_language_without_a_first_or_last_name(staff_client, staff, language, saved):
    response = staff_client.post("/admin/account/", account_form(**{"locale-preferred_language": language}))

    assert response.status_code == 302, response.context["panels_by_tab"] if response.context else response
    staff.refresh_from_db()
    assert UserProfile.get_for_user(staff).preferred_language == language
    # The person's language too: it does not revert on the next save of the person (accounts.models.User.save).
    assert staff.preferred_language == language
    staff.save()
    assert UserProfile.objects.get(user=staff).preferred_language == language
    assert saved in staff_client.get(response["Location"]).text


def test_the_account_screen_asks_for_the_display_name_only_and_keeps_the_sign_in_address(staff_client, staff):
    page = staff_client.get("/admin/account/").text

    assert 'name="name_email-display_name"' in page
    assert 'name="name_email-first_name"' not in page
    assert 'name="name_email-email"' not in page

    staff_client.post(
        "/admin/account/",
        account_form(**{"name_email-display_name": "", "name_email-email": "someone-else@example.tw"}),
    )

    staff.refresh_from_db()
    assert staff.display_name == ""
    assert staff.email == "staff@homeward.test"


def test_the_server_language_choice_makes_the_default_language_the_persons(staff_client, staff):
    staff.preferred_language = "ja"
    staff.save()

    staff_client.post("/admin/account/", account_form(**{"locale-preferred_language": ""}))

    staff.refresh_from_db()
    assert staff.preferred_language == "zh-hant"
