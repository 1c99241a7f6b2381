"""An editor signs in to the Wagtail admin, writes a story with an image, publishes it, translates it into
English, and reads it on the public site in Chinese and in English."""

import io
import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.helpers import totp_code

EDITOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(cms_site):
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from wagtail.users.models import UserProfile

    from accounts.models import User

    user = User.objects.create_superuser("editor@homeward.test", "a-long-password-5")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TOTP.activate(user, EDITOR_TOTP_SECRET)  # staff need two-factor authentication
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the admin in English; the site is tested in both languages
    profile.save()
    return user


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "cocoa.jpg"
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 500), (120, 70, 30)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_editor_publishes_a_story_and_its_english_translation(page, live_server, editor, photo):
    from cms.models import StoryIndexPage, StoryPage

    page.goto(f"{live_server.url}/admin/")  # the admin sends staff to the site's sign-in, then asks for the code
    page.fill("input[name=login]", "editor@homeward.test")
    page.fill("input[name=password]", "a-long-password-5")
    page.locator("main form button[type=submit]").first.click()
    page.locator("input[name=code]").fill(totp_code(EDITOR_TOTP_SECRET))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The image, with its alt text (required).
    page.goto(f"{live_server.url}/admin/images/add/")
    page.fill("input[name=title]", "可可豆")
    page.set_input_files("input[name=file]", str(photo))
    page.fill("input[name=description]", "曬乾中的可可豆")
    page.locator("form:has(input[name=file]) button[type=submit]").first.click()
    expect(page.locator(".messages")).to_contain_text("added")

    # The story.
    index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    page.goto(f"{live_server.url}/admin/pages/add/cms/storypage/{index.pk}/")
    page.fill("#id_title", "屏東可可的故事")
    page.fill("#id_date", "2026-03-01")
    # The chooser button does nothing until the admin's scripts have wired it up, and the modal's list is fetched
    # (and its thumbnails rendered) on first open: wait for both rather than racing them on a busy machine.
    page.wait_for_load_state("networkidle")
    choice = page.locator(".modal [data-chooser-modal-choice]").first
    for _attempt in range(3):
        page.locator("#panel-child-content-hero_image-section button.chooser__choose-button").first.click()
        try:
            choice.wait_for(state="visible", timeout=20_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    choice.click()
    expect(page.locator("#panel-child-content-hero_image-section")).to_contain_text("可可豆")
    page.locator("#panel-child-content-body-section button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Text").or_(page.get_by_role("button", name="Text")).first.click()
    editor_box = page.locator("#panel-child-content-body-section .public-DraftEditor-content").first
    editor_box.click()
    page.keyboard.type("農民把檳榔園換成可可樹。")
    expect(editor_box).to_contain_text("農民把檳榔園換成可可樹。")
    page.locator("#id_title").click()  # leave the editor; Draftail saves into its hidden input shortly after
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("檳榔園"))
    # Wagtail 8 may autosave the new page as a draft (a POST to this same "add" URL); publishing while that
    # request is in flight would create the page twice and collide on the slug, so let the autosave settle.
    page.wait_for_load_state("networkidle")
    expect(page.locator("#w-autosave-indicator")).not_to_have_attribute("data-w-autosave-state-value", "saving")
    page.locator("footer button.w-dropdown__toggle.button").first.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text("published")

    story = StoryPage.objects.get(title="屏東可可的故事", locale__language_code="zh-hant")  # not its en/ja aliases
    assert story.live and story.hero_image.title == "可可豆"

    page.goto(f"{live_server.url}{story.url}")
    expect(page.locator("h1")).to_have_text("屏東可可的故事")
    expect(page.locator("article.story img").first).to_have_attribute("alt", "曬乾中的可可豆")
    expect(page.locator("article.story")).to_contain_text("農民把檳榔園換成可可樹")

    # The English translation, through the admin. WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE made the English page when
    # the story was published, as an alias of it: the editor converts that alias into a page of its own.
    alias = StoryPage.objects.get(translation_key=story.translation_key, locale__language_code="en")
    assert alias.alias_of_id == story.pk
    page.goto(f"{live_server.url}/admin/pages/{alias.pk}/edit/")
    page.get_by_role("link", name="Convert this alias into an ordinary page").click()
    page.get_by_role("button", name="Yes, convert it").click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{alias.pk}/edit/"))
    page.fill("#id_title", "Cocoa in Pingtung")
    page.locator("footer button.w-dropdown__toggle.button").first.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text("published")

    english = StoryPage.objects.get(title="Cocoa in Pingtung")
    assert english.locale.language_code == "en" and english.translation_key == story.translation_key
    page.goto(f"{live_server.url}{story.url}")
    page.get_by_role("navigation", name="語言").get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}{english.url}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Cocoa in Pingtung")
    expect(page.locator(".breadcrumbs")).to_contain_text("Brand stories")
