"""A team member signs in on the public site, writes a project through the wizard (basics, story, funding,
milestones), sees the preview, submits it, and sees it in review."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in
from tests.factories.accounts import UserFactory
from tests.factories.cms import TEST_TOWN_CODES

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team_member(cms_site):
    from accounts.actions import create_organisation
    from marketplace.actions import save_enterprise_profile
    from places.models import Township

    user = UserFactory(email="team@example.tw", display_name="阿偉")
    team = create_organisation(user, kind="enterprise", name="口湖魚塭隊")
    save_enterprise_profile(user, team, township=Township.objects.get(code=TEST_TOWN_CODES[2]), team_size=3)
    return team


def test_a_team_member_submits_a_project_for_review(live_server, team_member, page):
    from cms.models import ProjectPage

    base = f"{live_server.url}/en"
    sign_in(page, live_server.url, "team@example.tw", language="en")

    page.goto(f"{base}/enterprises/{team_member.slug}/projects/")
    page.get_by_role("button", name="Start a new project").click()

    expect(page).to_have_url(re.compile(r"/basics/$"))
    page.locator("#id_title").fill("智慧魚塭")
    page.locator("#id_summary").fill("省水省電的魚塭")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/story/$"))
    page.locator("#id_story").fill("地層下陷的口湖。\n\n我們回家養魚。")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/funding/$"))
    page.get_by_label("We accept donations").check()
    page.get_by_label("donation goal (NT$)").fill("200,000")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("deadline").fill(deadline.isoformat())
    page.get_by_label("if the goal is not reached").select_option("keep_what_you_raise")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/milestones/$"))
    page.get_by_label("milestone").fill("第一座示範魚塭")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.get_by_text("第一座示範魚塭")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/preview/$"))
    expect(page.get_by_role("heading", name="智慧魚塭", exact=True)).to_be_visible()
    expect(page.get_by_text("我們回家養魚。")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()

    expect(page.locator(".status-label", has_text="In review")).to_be_visible()
    project = ProjectPage.objects.get(title="智慧魚塭", locale__language_code="zh-hant")  # not its en/ja aliases
    assert not project.live and project.current_workflow_state is not None
