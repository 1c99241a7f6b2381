"""The account journeys in Chromium: sign-up and verification, staff MFA, invitation, deletion.

Emails are read from Django's locmem outbox: the live server runs in this process.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache

from accounts import actions
from accounts.models import Membership, Organisation, Role, User
from tests.browser.signing_in import sign_in
from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # rate limits and the TOTP replay guard
    yield
    cache.clear()


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_verify_the_email_and_arrive_signed_in(page, live_server, home_pages):
    page.goto(f"{live_server.url}/zh-hant/accounts/signup/")
    assert page.locator("h1").inner_text() == "註冊"

    page.locator("input[name=email]").fill("mei@example.tw")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert "驗證您的電子郵件地址" in page.locator("main").inner_text()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mei@example.tw"]

    page.goto(link_in(mail.outbox[0]))
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/zh-hant/")
    assert EmailAddress.objects.get(email="mei@example.tw").verified
    account_menu = page.locator("[data-account-menu] summary")
    assert account_menu.inner_text().strip() == "我的帳戶"
    assert account_menu.is_visible()
    assert User.objects.get(email="mei@example.tw").preferred_language == "zh-hant"


def test_staff_set_up_two_factor_before_the_admin_then_sign_in_with_a_recovery_code(page, live_server):
    staff = UserFactory(email="editor@homeward.test", is_staff=True)
    staff.groups.add(Group.objects.get(name="Editors"))

    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=.*"))
    sign_in_form_url = page.url
    page.locator("input[name=login]").fill("editor@homeward.test")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    # The middleware sends staff without MFA to set it up; allauth asks for the password again first.
    page.wait_for_url(re.compile(r".*/accounts/(reauthenticate|2fa/totp/activate)/.*"))
    if "/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/2fa/totp/activate/**")
    assert "啟用驗證器" in page.locator("h1").inner_text()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/2fa/recovery-codes/**")
    recovery = RecoveryCodes(Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES))
    first_code = recovery.get_unused_codes()[0]
    assert first_code in page.locator("main textarea").input_value()

    page.goto(f"{live_server.url}/admin/")
    assert page.url == f"{live_server.url}/admin/"
    assert page.locator("body").inner_text()  # the Wagtail dashboard rendered

    page.context.clear_cookies()
    page.goto(sign_in_form_url)
    page.locator("input[name=login]").fill("editor@homeward.test")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/2fa/authenticate/**")
    page.locator("input[name=code]").fill(first_code)
    page.get_by_role("button", name="登入").click()

    page.wait_for_url(f"{live_server.url}/admin/")


def test_an_owner_invites_and_a_newcomer_signs_up_and_accepts(page, live_server, home_pages, settings):
    settings.SITE_BASE_URL = live_server.url  # emails link to the site's public address: here, the test server
    alice = UserFactory(email="alice@example.tw", display_name="Alice")
    organisation = actions.create_organisation(alice, kind=Organisation.Kind.ENTERPRISE, name="池上米工作室")

    sign_in(page, live_server.url, "alice@example.tw")
    page.goto(f"{live_server.url}/zh-hant/organisations/{organisation.slug}/members/")
    invite = page.get_by_role("form", name="邀請成員")
    invite.get_by_label("電子郵件地址").fill("carol@example.tw")
    invite.get_by_label("角色").select_option("editor")
    page.get_by_role("button", name="送出邀請").click()
    page.wait_for_load_state()
    assert "已寄出邀請給 carol@example.tw" in page.locator("main").inner_text()
    invitation_link = link_in(mail.outbox[-1])

    page.context.clear_cookies()
    mail.outbox.clear()
    page.goto(invitation_link)
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=.*"))
    page.locator("main").get_by_role("link", name="註冊").click()
    page.locator("input[name=email]").fill("carol@example.tw")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    page.goto(link_in(mail.outbox[-1]))
    page.locator("main form button[type=submit]").click()

    # Confirming the address signs the newcomer in and brings them back to the invitation.
    page.wait_for_url(invitation_link)
    assert "池上米工作室" in page.locator("main").inner_text()
    page.get_by_role("button", name="接受邀請").click()

    page.wait_for_url(re.compile(r".*/organisations/[^/]+/$"))
    assert page.locator("h1").inner_text() == "池上米工作室"
    carol = User.objects.get(email="carol@example.tw")
    assert Membership.objects.get(user=carol, organisation=organisation).role == Role.EDITOR


def test_a_person_downloads_their_data_and_deletes_their_account(page, live_server, home_pages):
    UserFactory(email="bob@example.tw", display_name="Bob")

    sign_in(page, live_server.url, "bob@example.tw")
    page.goto(f"{live_server.url}/zh-hant/accounts/data/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下載我的資料（JSON）").click()
    assert download_info.value.suggested_filename.startswith("homeward-personal-data-")

    page.get_by_role("link", name="刪除我的帳戶").click()
    page.get_by_label("輸入您的電子郵件地址以確認").fill("bob@example.tw")
    page.get_by_role("button", name="永久刪除我的帳戶").click()

    page.wait_for_url(f"{live_server.url}/zh-hant/")
    assert "您的帳戶與個人資料已刪除。" in page.locator("main").inner_text()
    assert not User.objects.filter(email="bob@example.tw").exists()
