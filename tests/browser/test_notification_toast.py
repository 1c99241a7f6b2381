"""The toast of a live notification in Chromium through daphne and Redis: in the page's language, naming the project
by its title in that language, announced politely, dismissable, over the page (nothing moves) at 390 px too; on the
notifications page its row comes at the top of the list, and the empty state goes."""

import pytest

from tests.browser.test_realtime import in_another_thread
from tests.factories.browser import signed_in_context
from tests.factories.market import build_market
from tests.helpers import translation_of

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _publish_in_japanese(project):
    version = translation_of(project, "ja")
    version.title = "関山米"
    version.save_revision().publish()


def _row_texts(row):
    return (
        row.get_attribute("data-notification-id"),
        row.locator("a").inner_text(),
        row.locator(".notification-kind").inner_text(),
        row.locator("time").inner_text(),
        row.locator(".notification-body").count(),
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_new_notification_shows_a_toast_in_the_pages_language(
    asgi_live_server, chromium, home_pages, townships, width
):
    from marketplace import actions
    from notifications.models import Notification

    market = build_market()
    in_another_thread(_publish_in_japanese, market["rice"])
    erin = market["erin"]  # her profile says Chinese; she reads the Japanese pages
    context = signed_in_context(chromium, erin, asgi_live_server, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{asgi_live_server}/ja/notifications/")
        page.wait_for_selector('[data-notifications-live="connected"]', state="attached")
        assert page.locator("[data-notification-empty]").is_visible()
        assert page.locator("[data-mark-all-read]").is_hidden()
        region = page.locator("[data-notification-toasts]")
        assert region.get_attribute("aria-live") == "polite"
        heading_box = page.locator("h1").bounding_box()

        in_another_thread(actions.express_interest, market["dave"], market["company"], market["rice"])

        toast = page.locator(".toast")
        toast.wait_for()
        link = toast.locator(".toast-link")
        notification = Notification.objects.get(recipient=erin)
        assert link.inner_text() == "台灣好公司が「関山米」に関心を示しています"
        assert link.get_attribute("href") == f"/ja/notifications/{notification.pk}/open/"
        assert "新しいお知らせ" in toast.inner_text()
        assert page.locator("[data-unread-count]").first.inner_text() == "1"
        # The page's list has the new row at its top, as the server renders it, and no empty state any more.
        row = page.locator(".notification-list > li").first
        assert row.get_attribute("data-notification-id") == str(notification.pk)
        assert "notification-unread" in row.get_attribute("class")
        assert row.locator("a strong").inner_text() == "台灣好公司が「関山米」に関心を示しています"
        assert row.locator("a").get_attribute("href") == f"/ja/notifications/{notification.pk}/open/"
        assert row.locator(".notification-kind").inner_text() == "企業があなたのプロジェクトに関心を示しました"
        assert page.locator("[data-notification-empty]").count() == 0
        assert page.locator("[data-mark-all-read]").is_visible()
        live_row = _row_texts(row)
        # Over the page: nothing under it moved, and it fits the screen.
        assert page.locator("h1").bounding_box() == heading_box
        box = toast.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        dismiss = toast.get_by_role("button", name="このお知らせを閉じる")
        assert dismiss.bounding_box()["width"] >= 44 and dismiss.bounding_box()["height"] >= 44

        if width == 390:
            link.focus()
            page.keyboard.press("Escape")
        else:
            dismiss.click()
        assert page.locator(".toast").count() == 0
        assert page.evaluate("document.activeElement.matches('.bell')"), "focus goes back to the bell, not the top"

        page.reload()
        assert _row_texts(page.locator(".notification-list > li").first) == live_row, "the row reads as the server's"
    finally:
        context.close()
