"""A team edits its live project from the public site: the public page stays as it was until a moderator approves,
then shows the new title, photo and plan. A change the moderators send back comes back to the team with their
reasons, and is changed and resubmitted. Screenshots go to var/screenshots/ (not committed)."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def photo(tmp_path):
    from PIL import Image

    path = tmp_path / "new-pond.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (30, 110, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def public_page(listing):
    from cms.models import ProjectPage

    return ProjectPage.objects.get(pk=listing.project_id)


def test_a_team_edits_its_live_project_which_changes_only_after_approval(live_server, listing, page, tmp_path):
    from tests.marketplace.test_wizard_journeys import decide

    base = f"{live_server.url}/en"
    project = public_page(listing)
    public_url = live_server.url + project.url
    sign_in(page, live_server.url, "alice@example.tw", language="en")
    projects_url = f"{base}/enterprises/{listing.enterprise.organisation.slug}/projects/"
    page.goto(projects_url)
    expect(page.locator(".status-label", has_text="Live")).to_be_visible()
    page.get_by_role("button", name="Edit the project").click()

    expect(page).to_have_url(re.compile(r"/basics/$"))
    page.locator("#id_title").fill("智慧魚塭 第二季")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/story/$"))
    page.locator("input[name=image]").set_input_files(photo(tmp_path))
    page.locator("input[name=image_description]").fill("清晨的新魚塭")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/funding/$"))
    expect(page.get_by_text("This project is live")).to_be_visible()
    page.locator("input[name=plan-name]").fill("家庭魚箱")
    page.locator("input[name=plan-price_twd]").fill("800")
    page.locator("textarea[name=plan-rewards]").fill("每月一箱虱目魚")
    page.get_by_role("button", name="Add plan").click()
    expect(page.get_by_text("家庭魚箱", exact=True)).to_be_visible()
    page.goto(page.url.replace("/funding/", "/preview/"))
    expect(page.get_by_role("heading", name="智慧魚塭 第二季", exact=True)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "team-edit-preview-en-1280.png"), full_page=True)
    page.get_by_role("button", name="Submit for review").click()

    expect(page.locator(".status-label", has_text="Live")).to_be_visible()
    expect(page.get_by_text("Your changes are with the moderators")).to_be_visible()
    page.goto(public_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("智慧魚塭")
    expect(page.get_by_text("家庭魚箱")).to_have_count(0)

    decide(public_page(listing), "approve")

    page.goto(public_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("智慧魚塭 第二季")
    expect(page.get_by_text("家庭魚箱").first).to_be_visible()
    expect(page.locator("img[alt='清晨的新魚塭']").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "team-edit-approved-zh-hant-1280.png"), full_page=True)


def test_a_team_reads_why_its_changes_were_sent_back_and_resubmits(live_server, listing, page):
    from tests.marketplace.test_wizard_journeys import decide

    base = f"{live_server.url}/en"
    public_url = live_server.url + public_page(listing).url
    sign_in(page, live_server.url, "alice@example.tw", language="en")
    projects_url = f"{base}/enterprises/{listing.enterprise.organisation.slug}/projects/"
    page.goto(projects_url)
    page.get_by_role("button", name="Edit the project").click()
    page.locator("#id_title").fill("全台最好的魚塭")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(page.url.replace("/story/", "/preview/"))
    page.get_by_role("button", name="Submit for review").click()

    decide(public_page(listing), "reject", "請不要用「全台最好」這種說法。")

    page.goto(projects_url)
    expect(page.locator(".status-label", has_text="Changes requested")).to_be_visible()
    expect(page.get_by_text("請不要用「全台最好」這種說法。")).to_be_visible()
    expect(page.get_by_text("The public page still shows the approved version.")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "team-changes-requested-en-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Make the changes").click()

    expect(page).to_have_url(re.compile(r"/basics/$"))
    expect(page.locator("#id_title")).to_have_value("全台最好的魚塭")
    page.locator("#id_title").fill("口湖的魚塭")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(page.url.replace("/story/", "/preview/"))
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your changes are with the moderators")).to_be_visible()
    page.goto(public_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("智慧魚塭")

    decide(public_page(listing), "approve")

    page.goto(public_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("口湖的魚塭")
    page.goto(projects_url)
    expect(page.locator(".status-label", has_text="Live")).to_be_visible()
