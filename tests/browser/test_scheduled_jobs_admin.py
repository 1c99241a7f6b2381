"""Staff read the scheduled jobs in the admin: each job's last run, outcome, last success and next run, and the
workers, in every language of the admin and at phone width."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories.browser import signed_in_context
from tests.helpers import with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hant": "排程工作", "en": "Scheduled jobs", "ja": "定期ジョブ"}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_staff_see_each_jobs_last_run_outcome_and_next_run(chromium, asgi_live_server, language, tmp_path):
    from wagtail.users.models import UserProfile

    from accounts.models import User
    from scheduling.jobs import JOBS, job_named
    from scheduling.models import JobRun
    from scheduling.workers import beat

    staff = User.objects.create_superuser(email=f"ops-{language}@homeward.test", password="x")
    with_mfa(staff)
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = language
    profile.save()
    now = timezone.now()
    settle = job_named("campaign_settlement").latest_slot(now) or now
    JobRun.objects.create(job="campaign_settlement", slot=settle, outcome="succeeded", finished_at=now, return_value={})
    for attempt in (1, 2, 3):
        JobRun.objects.create(
            job="seasonal_billing",
            slot=settle,
            attempt=attempt,
            outcome="failed",
            finished_at=now,
            error="RuntimeError",
        )
    beat("worker-a1b2c3", now - timedelta(hours=1))

    context = signed_in_context(chromium, staff, asgi_live_server)
    try:
        page = context.new_page()
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{asgi_live_server}/admin/scheduled-jobs/")
            expect(page.get_by_role("heading", name=LANGUAGES[language], exact=True)).to_be_attached()
            expect(page.locator("header a", has_text=LANGUAGES[language])).to_be_visible()  # the breadcrumb
            rows = page.locator("table.listing").first.locator("tbody tr")
            expect(rows).to_have_count(len(JOBS))  # one row per declared job
            expect(rows.filter(has_text="seasonal_billing")).to_contain_text("3")
            expect(page.get_by_text("worker-a1b2c3")).to_be_visible()
            page.screenshot(path=str(tmp_path / f"scheduled-jobs-{language}-{width}.png"), full_page=True)
    finally:
        context.close()
