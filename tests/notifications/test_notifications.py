import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from accounts.models import User
from notifications import actions
from notifications.messages import Message
from notifications.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

KIND = Notification.Kind.PROJECT_UPDATE


@pytest.fixture
def person():
    return User.objects.create_user("backer@homeward.test", "pw-for-tests-123", display_name="阿明")


@pytest.fixture
def stranger():
    return User.objects.create_user("stranger@homeward.test", "pw-for-tests-123")


def test_notify_stores_it_and_emails_it_after_commit(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = actions.notify(person, KIND, "台東香草田有新進度", body="第一批薄荷收成了。", url="/zh-hant/")

    assert notification.is_unread
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["backer@homeward.test"]
    assert "台東香草田有新進度" in mail.outbox[0].subject
    assert "第一批薄荷收成了。" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_is_emailed_when_the_transaction_rolls_back(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.notify(person, KIND, "會被取消")

    assert len(callbacks) == 2  # the live push and the email wait for the commit
    assert mail.outbox == []


def test_the_email_task_sends_once_even_if_run_twice(person):
    from notifications.tasks import email_notification

    notification = Notification.objects.create(recipient=person, kind=KIND, title="一次就好")

    assert email_notification.call(notification.pk) is True
    assert email_notification.call(notification.pk) is False
    assert len(mail.outbox) == 1


def test_the_list_shows_a_persons_notifications_newest_first_with_pagination(client, person, stranger):
    for number in range(25):
        Notification.objects.create(recipient=person, kind=KIND, title=f"更新 {number}")
    Notification.objects.create(recipient=stranger, kind=KIND, title="別人的通知")
    client.force_login(person)

    first = client.get(reverse("notifications:list"))
    second = client.get(reverse("notifications:list"), {"page": 2})

    assert "更新 24" in first.text
    assert "更新 4" not in first.text
    assert "更新 4" in second.text
    assert "別人的通知" not in first.text + second.text


def test_an_empty_list_explains_what_will_appear(client, person):
    client.force_login(person)

    response = client.get(reverse("notifications:list"))

    assert "還沒有通知" in response.text


def test_opening_a_notification_marks_it_read_and_follows_a_local_link(client, person):
    notification = Notification.objects.create(recipient=person, kind=KIND, title="看看", url="/zh-hant/")
    client.force_login(person)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/zh-hant/"
    notification.refresh_from_db()
    assert not notification.is_unread


def test_an_off_site_link_is_not_followed(client, person):
    notification = Notification.objects.create(recipient=person, kind=KIND, title="釣魚", url="https://evil.example/")
    client.force_login(person)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:list")


def test_nobody_opens_or_reads_someone_elses_notification(client, person, stranger):
    notification = Notification.objects.create(recipient=person, kind=KIND, title="私人")
    client.force_login(stranger)

    response = client.get(reverse("notifications:open", args=[notification.pk]))
    client.post(reverse("notifications:mark_all_read"))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_mark_all_read_and_the_unread_count(client, person, home_pages):
    Notification.objects.create(recipient=person, kind=KIND, title="一")
    Notification.objects.create(recipient=person, kind=KIND, title="二")
    client.force_login(person)

    assert client.get(reverse("notifications:unread_count")).json() == {"unread_count": 2}
    assert '<span class="badge" data-unread-count>2</span>' in client.get("/zh-hant/").text
    client.post(reverse("notifications:mark_all_read"))
    assert client.get(reverse("notifications:unread_count")).json() == {"unread_count": 0}


def test_mark_all_read_needs_post_and_a_csrf_token(person):
    from django.test import Client

    Notification.objects.create(recipient=person, kind=KIND, title="一")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403
    assert Notification.objects.unread().count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_count_read_by_the_pages_fetch_refuses_a_signed_out_caller_in_json(client):
    response = client.get(reverse("notifications:unread_count"), HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 401
    assert response.json()["code"] == "sign_in_required" and response.json()["error"]


@pytest.mark.parametrize(
    ("kind", "choice", "emailed"),
    [
        (Notification.Kind.PROJECT_UPDATE, "notify_project_updates", False),
        (Notification.Kind.MATCHING_PROJECT, "notify_recommendations", False),
        (Notification.Kind.CONVERSATION_REPLY, "notify_messages", False),
        (Notification.Kind.PAYMENT_FAILED, "notify_messages", True),
    ],
)
def test_profile_choices_decide_which_notifications_are_emailed(
    person, django_capture_on_commit_callbacks, kind, choice, emailed
):
    setattr(person, choice, False)
    person.save()

    with django_capture_on_commit_callbacks(execute=True):
        notification = actions.notify(person, kind, "標題")

    assert Notification.objects.filter(pk=notification.pk).exists()
    assert (len(mail.outbox) == 1) is emailed


def test_the_email_speaks_the_recipients_language(person, django_capture_on_commit_callbacks):
    person.preferred_language = "ja"
    person.save()

    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(person, KIND, "新しいお知らせ", url="/ja/")

    assert "Homeward で見る：" in mail.outbox[0].body


def test_a_link_made_in_the_recipients_language_opens_in_the_language_they_read_now(client, person, home_pages):
    """A notification's link is made in its recipient's preferred language; opened from another language's pages,
    it leads to the same place in that language: a CMS page's translation (its own slug), a view's path."""
    from cms.models import HomePage, StandardPage
    from tests.helpers import translation_of

    home = HomePage.objects.get(locale__language_code="zh-hant")
    page = home.add_child(instance=StandardPage(title="關於我們", slug="guanyu"))
    page.save_revision().publish()
    japanese = translation_of(page, "ja")
    japanese.title, japanese.slug = "私たちについて", "watashitachi"
    japanese.save_revision().publish()
    assert page.url == "/zh-hant/guanyu/"
    untranslated = home.add_child(instance=StandardPage(title="只有中文", slug="zhiyou"))
    untranslated.save_revision().publish()
    client.force_login(person)

    def opened(url, language):
        notification = Notification.objects.create(recipient=person, kind=KIND, title="看看", url=url)
        return client.get(f"/{language}/notifications/{notification.pk}/open/")["Location"]

    assert opened(page.url + "?tab=news#latest", "ja") == "/ja/watashitachi/?tab=news#latest"
    assert opened(page.url, "zh-hant") == page.url
    assert opened(untranslated.url, "ja") == untranslated.url  # no Japanese page: the one there is
    assert opened("/zh-hant/notifications/", "en") == "/en/notifications/"


def test_the_emails_footer_promises_a_profile_setting_only_for_kinds_that_have_one(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(person, KIND, "台東香草田有新進度")  # emailed by the person's project-updates choice
        actions.notify(person, Notification.Kind.PAYMENT_FAILED, "扣款失敗")  # always emailed

    by_choice, always = mail.outbox
    assert "您可以在個人資料中變更" in by_choice.body and "這類郵件一定會寄出" not in by_choice.body
    assert "這類郵件一定會寄出" in always.body and "您可以在個人資料中變更" not in always.body


def test_an_email_sent_by_choice_links_to_where_the_choices_change_on_the_configured_site(
    person, django_capture_on_commit_callbacks, settings
):
    settings.SITE_BASE_URL = "https://homeward.example.tw"
    person.preferred_language = "ja"
    person.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(person, KIND, "台東香草田有新進度", url="/ja/")
        actions.notify(person, Notification.Kind.PAYMENT_FAILED, "扣款失敗")

    by_choice, always = mail.outbox
    assert "通知の設定： https://homeward.example.tw/ja/accounts/profile/" in by_choice.body
    assert "https://homeward.example.tw/ja/\n" in by_choice.body and "localhost" not in by_choice.body
    assert "accounts/profile/" not in always.body


def _read_in(client, language):
    with translation.override(language):
        return client.get(reverse("notifications:list")).text


def test_a_notification_kept_as_a_message_is_read_in_the_language_the_person_reads_now(client, person):
    """Made while the person read Chinese; after they change to Japanese (or open an English page) it reads in that
    language, the project's own name as it was; the stored title keeps the language it was made in."""
    person.preferred_language = "zh-hant"
    person.save()
    with actions.in_language_of(person):
        notification = actions.notify(
            person,
            Notification.Kind.PAYMENT_FAILED,
            Message(gettext_noop("Your payment to %(project)s failed"), project="台東香草田"),
            body=Message(gettext_noop("The team has sent this month's goods to your delivery address.")),
        )
    assert notification.title == "您對「台東香草田」的付款失敗"
    person.preferred_language = "ja"
    person.save()
    client.force_login(person)

    japanese, english, chinese = (_read_in(client, language) for language in ("ja", "en", "zh-hant"))

    assert "「台東香草田」へのお支払いに失敗しました" in japanese
    assert "您對" not in japanese
    assert "Your payment to 台東香草田 failed" in english
    assert "The team has sent this month&#x27;s goods to your delivery address." in english
    assert "您對「台東香草田」的付款失敗" in chinese


def test_a_notification_stored_as_text_reads_as_it_was_written(client, person):
    """Older notifications (before messages were kept) and texts of people's own stay as stored."""
    Notification.objects.create(recipient=person, kind=KIND, title="台東香草田有新進度", body="第一批薄荷收成了。")
    client.force_login(person)

    assert "台東香草田有新進度" in _read_in(client, "en")
    assert "第一批薄荷收成了。" in _read_in(client, "ja")


def test_a_message_the_catalog_no_longer_knows_falls_back_to_the_stored_title(client, person):
    """A source text reworded since (or its parameters changed) is not shown in English inside a Japanese page."""
    Notification.objects.create(
        recipient=person,
        kind=KIND,
        title="「台東香草田」の新しい進捗",
        title_message={"text": "A wording that was changed since: %(project)s", "params": {"project": "台東香草田"}},
        body="本文",
        body_message={"text": "Your payment to %(project)s failed", "params": {"other": "x"}},
    )
    client.force_login(person)

    japanese = _read_in(client, "ja")

    assert "「台東香草田」の新しい進捗" in japanese
    assert "A wording that was changed" not in japanese
    assert "本文" in japanese


def test_a_translated_parameter_is_read_in_the_readers_language_too():
    message = Message(
        gettext_noop("%(organisation)s asks for help: %(title)s"),
        organisation="口湖鄉公所",
        title=Message(gettext_noop("A payment failed")),
    )
    kept = Message.from_data(message.as_data())

    with translation.override("en"):
        assert kept.render() == "口湖鄉公所 asks for help: A payment failed"
    with translation.override("zh-hant"):
        assert "口湖鄉公所" in kept.render()
        assert "A payment failed" not in kept.render()


def test_a_place_is_named_in_the_readers_language_not_translated_by_the_catalog():
    """A township's name is reference data written in each language: kept with the notification, the reader's is
    shown (a language it lacks gets the first one given); the sentence around it is translated as usual."""
    names = {"zh-hant": "關山鎮", "en": "Guanshan Township", "ja": "関山鎮"}
    kept = Message.from_data(
        Message(
            gettext_noop(
                "%(when)s in %(township)s. You will get a reminder the day before; cancel on your bookings page."
            ),
            when="2026-12-08 10:00",
            township=Message.named(names),
        ).as_data()
    )

    with translation.override("en"):
        assert kept.render().startswith("2026-12-08 10:00 in Guanshan Township. You will get a reminder")
    with translation.override("ja"):
        assert kept.render().startswith("2026-12-08 10:00、関山鎮にて。")
    with translation.override("zh-hant"):
        assert kept.render().startswith("2026-12-08 10:00，地點在關山鎮。")
    with translation.override("ja"):
        assert Message.named({"zh-hant": "關山火車站", "ja": ""}).render() == "關山火車站"
    assert Message.from_data({"names": {}}) is None


def test_a_plural_a_context_and_lines_are_kept_and_read_in_the_readers_language():
    """The digest's count takes its plural form in the reader's language; a measure's name keeps its context; a body
    of several sentences is read line by line, and falls back as a whole when one line is no longer known."""
    digest = Message.from_data(
        Message.ngettext(
            "%(count)s new project matches %(company)s's saved searches",
            "%(count)s new projects match %(company)s's saved searches",
            1,
            count=1,
            company="台灣好公司",
        ).as_data()
    )
    rainfall = Message.from_data(Message.pgettext("measure", "Rainfall").as_data())
    lines = Message.joined(
        Message(gettext_noop("The place is offered to the first person on the waitlist.")),
        Message(gettext_noop("%(free)s of %(capacity)s places are free now."), free=1, capacity=2),
    )
    with translation.override("en"):
        assert digest.render() == "1 new project matches 台灣好公司's saved searches"
        assert (
            Message.ngettext(
                "%(count)s new project matches %(company)s's saved searches",
                "%(count)s new projects match %(company)s's saved searches",
                3,
                count=3,
                company="X",
            ).render()
            == "3 new projects match X's saved searches"
        )
    with translation.override("ja"):
        assert digest.render() == "1件の新しいプロジェクトが台灣好公司の保存した検索に合います"
        assert rainfall.render() == "降水量"
        assert Message.from_data(lines.as_data()).render() == (
            "この枠はキャンセル待ちの先頭の方に案内されています。\n現在、定員 2 名のうち 1 名分が空いています。"
        )
        changed = lines.as_data()
        changed["lines"][1]["text"] = "A wording that was changed since"
        assert Message.from_data(changed).render() is None


def test_a_long_body_is_shortened_in_the_list_and_whole_in_the_email(
    client, person, django_capture_on_commit_callbacks
):
    """A company's 2,000-character note with its interest filled a phone's notifications page with one row."""
    note = "教室整修能否使用回收建材？" + "細節" * 1000
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(
            person, Notification.Kind.NEW_INTEREST, "南方好食對壯圍田間教室有興趣", body=note, url="/zh-hant/"
        )
    client.force_login(person)

    page = client.get(reverse("notifications:list")).text

    assert "教室整修能否使用回收建材？細節" in page and note[:300] not in page
    assert "…" in page
    assert note in mail.outbox[0].body
