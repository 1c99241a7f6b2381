"""Sign-in through allauth: email login, verification, reset, email change, MFA, staff, social, rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount, SocialApp
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


current_totp = totp_code


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_needs_a_verified_email_and_speaks_the_language_of_sign_up(client):
    response = client.post(
        "/ja/accounts/signup/", {"email": "new@example.tw", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.tw")
    assert user.preferred_language == "ja"
    assert len(mail.outbox) == 1
    assert "メールアドレス" in mail.outbox[0].subject + mail.outbox[0].body
    # Greeted by Homeward, not by the host name the request came in on.
    assert "Homeward" in mail.outbox[0].body.splitlines()[0]
    assert "testserver" not in mail.outbox[0].body.strip().splitlines()[-2]

    # Unverified: signing in stops at "verify your email" and no session is made.
    client.post("/ja/accounts/login/", {"login": "new@example.tw", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    confirm_url = link_in(mail.outbox[-1])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)

    assert EmailAddress.objects.get(email="new@example.tw").verified
    # Signed in on confirmation, and sent to the home page of the language they use.
    assert response.status_code == 302
    assert response["Location"] == "/ja/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_in_with_email_goes_to_the_preferred_language(client, alice):
    alice.preferred_language = "en"
    alice.save()

    response = client.post("/zh-hant/accounts/login/", {"login": "ALICE@example.tw", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def header_sign_in_link(page):
    return BeautifulSoup(page.text, "html.parser").select_one(".account-links a[href*='/accounts/login/']")["href"]


def test_the_headers_sign_in_link_leads_back_to_the_page_being_read(client, alice, home_pages):
    # On the account pages themselves the link has nothing to come back to.
    assert header_sign_in_link(client.get("/ja/accounts/password/reset/")) == "/ja/accounts/login/"
    # Alice prefers Chinese, but signs in while reading the Japanese experiences page: she returns to it.
    link = header_sign_in_link(client.get("/ja/experiences/"))
    assert link == "/ja/accounts/login/?next=%2Fja%2Fexperiences%2F"

    response = client.post(link, {"login": "alice@example.tw", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/ja/experiences/"


@pytest.mark.parametrize("email", ["not-an-email", "a@b", ""])
def test_invalid_emails_are_refused_at_sign_up(client, email):
    response = client.post("/en/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.text or "This field is required." in response.text
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_duplicate_sign_up_gets_a_clear_error_and_creates_nothing(client, alice):
    response = client.post(
        "/en/accounts/signup/", {"email": "Alice@example.tw", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.text
    assert User.objects.filter(email__iexact="alice@example.tw").count() == 1
    assert mail.outbox == []


def test_password_reset_sends_a_link_that_sets_a_new_password(client, alice):
    client.post("/en/accounts/password/reset/", {"email": "alice@example.tw"})

    assert len(mail.outbox) == 1
    url = link_in(mail.outbox[0])
    response = client.get(url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    response = client.post(
        form_url, {"password1": "another-Long-passphrase-9", "password2": "another-Long-passphrase-9"}
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-Long-passphrase-9")


@pytest.mark.parametrize("language", ["zh-hant", "en", "ja"])
def test_a_reset_request_answers_the_same_for_an_unknown_address(client, alice, language):
    known = client.post(f"/{language}/accounts/password/reset/", {"email": "alice@example.tw"})
    unknown = client.post(f"/{language}/accounts/password/reset/", {"email": "nobody@example.tw"})

    # The page cannot tell who has an account: both requests lead to the same "check your email" page.
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == f"/{language}/accounts/password/reset/done/"
    # The mail tells the owner of the unknown address that no account uses it, and where to sign up.
    assert [message.to for message in mail.outbox] == [["alice@example.tw"], ["nobody@example.tw"]]
    assert "password/reset/key/" not in mail.outbox[1].body
    assert f"/{language}/accounts/signup/" in mail.outbox[1].body


def test_a_reset_mail_and_its_link_speak_the_persons_language_wherever_it_was_asked(client, alice):
    alice.preferred_language = "en"
    alice.save()

    client.post("/ja/accounts/password/reset/", {"email": "alice@example.tw"})

    message = mail.outbox[0]
    assert "Password Reset" in message.subject
    url = link_in(message)
    assert url.startswith("/en/accounts/password/reset/key/")
    response = client.get(url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    response = client.post(
        form_url, {"password1": "another-Long-passphrase-9", "password2": "another-Long-passphrase-9"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-Long-passphrase-9")


def test_the_chinese_mails_greet_in_natural_chinese(client):
    client.post("/zh-hant/accounts/signup/", {"email": "new@example.tw", "password1": PASSWORD, "password2": PASSWORD})

    assert mail.outbox[0].body.splitlines()[0] == "您好，這裡是Homeward！"


def test_changing_the_email_keeps_the_old_one_until_the_new_one_is_verified(client, alice):
    client.force_login(alice)

    client.post("/en/accounts/email/", {"action_add": "", "email": "alice.new@example.tw"})

    alice.refresh_from_db()
    assert alice.email == "alice@example.tw"
    assert mail.outbox[-1].to == ["alice.new@example.tw"]
    client.post(link_in(mail.outbox[-1]))

    alice.refresh_from_db()
    assert alice.email == "alice.new@example.tw"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", "verified", "primary")) == [
        ("alice.new@example.tw", True, True)
    ]


def test_changing_to_an_address_of_another_account_changes_nothing(client, alice, bob):
    client.force_login(alice)

    response = client.post("/en/accounts/email/", {"action_add": "", "email": "bob@example.tw"})

    assert "A user is already registered with this email address." in response.text
    assert mail.outbox == []
    assert not EmailAddress.objects.filter(user=alice, email="bob@example.tw").exists()


def test_totp_is_asked_after_the_password_and_a_wrong_code_is_refused(client, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)

    response = client.post("/en/accounts/login/", {"login": "alice@example.tw", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if current_totp(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_a_recovery_code_signs_in_once(client, alice):
    TOTP.activate(alice, generate_totp_secret())
    code = RecoveryCodes.activate(alice).get_unused_codes()[0]

    client.post("/en/accounts/login/", {"login": "alice@example.tw", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert int(client.session["_auth_user_id"]) == alice.pk

    client.logout()
    client.post("/en/accounts/login/", {"login": "alice@example.tw", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in client.session


@pytest.fixture
def staff(db):
    return UserFactory(email="editor@homeward.test", is_staff=True)


def test_staff_without_mfa_are_sent_to_set_it_up_before_the_admin(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=%2Fadmin%2F" in response["Location"]


def _admin_capable_people():
    """Everyone Wagtail or Django lets into an admin, none of them with a second factor yet."""
    superuser = UserFactory(email="wagtail-admin@homeward.test", is_superuser=True)  # Wagtail's Users screen
    editor = UserFactory(email="group-editor@homeward.test")
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = UserFactory(email="group-moderator@homeward.test")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return {"superuser": superuser, "editor": editor, "moderator": moderator}


@pytest.mark.parametrize("who", ["superuser", "editor", "moderator"])
def test_everyone_who_can_open_the_admin_needs_a_second_factor_first(client, db, who):
    person = _admin_capable_people()[who]
    assert not person.is_staff
    client.force_login(person)

    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/django-admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_activate_totp")), path


def test_the_second_factor_set_up_speaks_the_persons_language(client, db):
    editor = _admin_capable_people()["editor"]
    editor.preferred_language = "ja"
    editor.save()
    client.force_login(editor)

    response = client.get("/admin/pages/", follow=True)

    assert response.redirect_chain[0][0].startswith("/ja/")
    assert "管理画面を開けるアカウントには二要素認証が必要です" in response.text


@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_people_who_can_open_the_admin_cannot_switch_their_authenticator_off(client, db, who):
    person = _admin_capable_people()[who]
    TOTP.activate(person, generate_totp_secret())
    client.force_login(person)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


def test_staff_with_mfa_reach_the_admin(client, staff):
    staff.groups.add(Group.objects.get(name="Editors"))
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_forms_send_people_to_allauth(client):
    for path in ("/admin/login/", "/django-admin/login/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    with translation.override("zh-hant"):
        assert response["Location"].startswith(reverse("account_login"))


def test_repeated_failed_logins_get_a_translated_message(client, alice):
    for _attempt in range(5):
        client.post("/zh-hant/accounts/login/", {"login": "alice@example.tw", "password": "wrong"})

    response = client.post("/zh-hant/accounts/login/", {"login": "alice@example.tw", "password": PASSWORD})

    assert "登入嘗試失敗次數過多，請稍後再試。" in response.text
    assert "_auth_user_id" not in client.session


def failed_sign_ins(client, address, forwarded_for, times):
    for _attempt in range(times):
        client.post(
            "/en/accounts/login/",
            {"login": "nobody@example.tw", "password": "wrong"},
            REMOTE_ADDR=address,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )


def sign_in_is_refused_as_too_many(client, address, forwarded_for):
    response = client.post(
        "/en/accounts/login/",
        {"login": "alice@example.tw", "password": PASSWORD},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return "Too many failed login attempts" in response.text


def test_behind_a_trusted_proxy_each_visitor_has_their_own_sign_in_limit(client, alice, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"
    failed_sign_ins(client, balancer, "203.0.113.5", times=10)

    assert sign_in_is_refused_as_too_many(client, balancer, "203.0.113.5")
    assert not sign_in_is_refused_as_too_many(client, balancer, "203.0.113.6")


def test_a_forged_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, alice):
    failed_sign_ins(client, "198.51.100.7", "203.0.113.5", times=10)

    # The attacker's own address is limited, whatever X-Forwarded-For claims.
    assert sign_in_is_refused_as_too_many(client, "198.51.100.7", "203.0.113.99")


def test_too_many_reset_requests_get_the_translated_429_page(client, alice):
    statuses = [
        client.post("/ja/accounts/password/reset/", {"email": "alice@example.tw"}).status_code for _ in range(6)
    ]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    response = client.post("/ja/accounts/password/reset/", {"email": "alice@example.tw"})
    assert "試行回数が多すぎます" in response.text


def test_allauth_pages_use_the_site_shell_and_allauths_own_translations(client):
    zh = client.get("/zh-hant/accounts/login/").text
    ja = client.get("/ja/accounts/login/").text

    assert '<html lang="zh-Hant-TW">' in zh
    assert "登入" in zh
    assert "資料來源：內政部" in zh  # the site footer
    assert "ログイン" in ja


def test_a_provider_without_keys_shows_no_button(client):
    html = client.get("/en/accounts/login/").text

    assert "/accounts/google/login/" not in html
    assert "/accounts/line/login/" not in html

    SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="secret")
    html = client.get("/en/accounts/login/").text

    assert "/accounts/google/login/" in html
    assert "/accounts/line/login/" not in html


def test_disconnecting_a_social_account_keeps_the_local_account(client, alice):
    SocialApp.objects.create(provider="line", name="LINE", client_id="id", secret="secret")
    account = SocialAccount.objects.create(user=alice, provider="line", uid="U123")
    client.force_login(alice)

    response = client.post("/en/accounts/3rdparty/", {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    alice.refresh_from_db()
    assert alice.is_active and alice.check_password(PASSWORD)


def test_mfa_is_offered_to_everyone(client, alice):
    client.force_login(alice)
    # Turning MFA on asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    assert 'id="authenticator_secret"' in response.text
    assert not Authenticator.objects.filter(user=alice).exists()


def test_staff_cannot_switch_their_authenticator_off(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_everyone_else_may_switch_it_off(client, alice):
    TOTP.activate(alice, generate_totp_secret())
    client.force_login(alice)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()


def test_confirming_the_email_right_after_sign_up_lands_in_the_language_of_sign_up(client):
    # The browser asks for English; the person chose Japanese on the site.
    client.post(
        "/ja/accounts/signup/",
        {"email": "new@example.tw", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    response = client.post(link_in(mail.outbox[-1]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/ja/"
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("language", "label", "untranslated"),
    [
        ("ja", "コードの送信先", "Recipient"),
        ("zh-hant", "驗證碼寄到", "Recipient"),
        ("en", "Send the code to", "Recipient:"),
    ],
)
def test_asking_for_a_code_to_confirm_access_names_the_recipient_in_the_readers_language(
    client, alice, language, label, untranslated
):
    client.force_login(alice)

    with translation.override(language):
        page = client.get(reverse("account_request_reauthentication_code")).text

    assert f'<label for="id_recipient">{label}</label>' in page
    assert untranslated not in page
    assert '<option value="alice@example.tw"' in page
    assert {"ja": "コードを送信", "zh-hant": "寄送驗證碼", "en": "Send me a code"}[language] in page


@pytest.mark.parametrize(
    ("language", "labels", "with_colon"),
    [
        ("en", ["Email", "Password", "Remember Me"], ["Email:", "Password:"]),
        ("ja", ["メール", "パスワード", "ログインしたままにする"], ["パスワード：", "パスワード:"]),
    ],
)
def test_allauths_forms_label_their_fields_as_the_sites_forms_do(client, language, labels, with_colon):
    with translation.override(language):
        page = client.get(reverse("account_login")).text

    for label in labels:
        assert re.search(rf'<label (class="inline-label" )?for="id_\w+">{label}</label>', page)
    for text in with_colon:
        assert text not in page
    assert '<div class="field">' in page


def test_allauths_form_errors_are_summarised_and_kept_beside_their_fields(client, alice):
    client.force_login(alice)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    with translation.override("en"):
        page = client.post(
            reverse("account_change_password"), {"oldpassword": "wrong", "password1": "x", "password2": "y"}
        ).text

    assert "There is a problem" in page
    assert 'class="field field-error"' in page


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hant", "已以 Alice 林 的身分登入。"), ("ja", "Alice 林 としてログインしました。")]
)
def test_the_signed_in_message_reads_naturally(client, alice, language, message):
    from django.contrib.messages import get_messages

    with translation.override(language):
        response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})

    said = [str(item) for item in get_messages(response.wsgi_request)]
    assert said == [message]  # allauth's own Chinese read "成功以 Alice 林..的身份登入。"


CJK = "\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e"


@pytest.mark.parametrize("language", ["zh-hant", "ja"])
@pytest.mark.parametrize("page", ["login", "signup", "password/reset"])
def test_the_entrance_pages_write_chinese_and_japanese_without_latin_spacing(client, language, page):
    # allauth's catalogs put spaces around links (「お持ちでなければ、 <a>…</a> してください」), end a Chinese
    # sentence with "." and ask 「お忘れですか?」: ours override them.
    html = client.get(f"/{language}/accounts/{page}/").text
    main = html[html.index("<main") : html.index("</main>")]
    assert not re.search(rf"[{CJK}] <a |</a> [{CJK}]", main), re.findall(
        rf".{{12}}[{CJK}] <a .{{12}}|</a> [{CJK}].{{8}}", main
    )
    assert not re.search(rf"[{CJK}](</a>)?[.?](\s|<)", main), re.findall(rf".{{12}}[{CJK}](?:</a>)?[.?].{{4}}", main)
