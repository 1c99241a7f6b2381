import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.actions import ActionRefused
from marketplace import actions
from marketplace.models import Interest, InterestEvent, ProjectListing
from notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.payments import open_campaign
from tests.factories.stripe import pay_through_webhook
from tests.helpers import assert_tables_scroll_in_named_regions

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

Stage = Interest.Stage


def test_a_company_member_expresses_interest_and_the_team_is_notified(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"], message=" 想了解 ")

    assert interest.stage == Stage.EXPRESSED and interest.message == "想了解"
    assert list(interest.events.values_list("actor__email", "from_stage", "to_stage")) == [
        ("dave@example.tw", "", "expressed")
    ]
    notification = Notification.objects.get(recipient=market["erin"])
    assert notification.kind == Notification.Kind.NEW_INTEREST
    assert "台灣好公司" in notification.title and "關山米" in notification.title


def test_interest_twice_or_in_a_project_without_a_team_is_refused(market):
    actions.express_interest(market["dave"], market["company"], market["rice"])
    with translation.override("en"), pytest.raises(ActionRefused, match="already expressed"):
        actions.express_interest(market["carol"], market["company"], market["rice"])
    with translation.override("en"), pytest.raises(ActionRefused, match="not on the marketplace"):
        actions.express_interest(market["dave"], market["company"], market["bamboo"])
    assert Interest.objects.count() == 1


def test_only_company_members_express_interest_and_drafts_cannot_receive_it(market):
    with pytest.raises(PermissionDenied):
        actions.express_interest(market["erin"], market["company"], market["rice"])
    with pytest.raises(PermissionDenied):
        actions.express_interest(market["dave"], market["company"], market["draft"])
    assert not Interest.objects.exists()


def test_the_team_walks_an_interest_through_every_stage_and_each_step_is_recorded(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    actions.propose_commitment(market["erin"], interest, amount_twd=1_500_000, instrument="equity")
    actions.confirm_commitment(market["carol"], interest)
    actions.advance_interest(market["erin"], interest, Stage.CLOSED)

    interest.refresh_from_db()
    assert (interest.stage, interest.committed_amount_twd, interest.committed_instrument) == (
        "closed",
        1_500_000,
        "equity",
    )
    assert list(InterestEvent.objects.values_list("from_stage", "to_stage")) == [
        ("", "expressed"),
        ("expressed", "accepted"),
        ("accepted", "introduced"),
        ("introduced", "due_diligence"),
        ("due_diligence", "term_sheet"),
        ("term_sheet", "committed"),
        ("committed", "closed"),
    ]
    actors = dict(InterestEvent.objects.exclude(to_stage="expressed").values_list("to_stage", "actor__email"))
    assert set(actors.values()) == {"erin@example.tw", "carol@example.tw"}
    assert actors["committed"] == "carol@example.tw"  # the company's admin confirmed the team's proposal


@pytest.mark.parametrize(
    ("path", "to_stage"),
    [
        ([], Stage.INTRODUCED),  # skipping the team's answer
        ([], Stage.COMMITTED),
        ([Stage.DECLINED], Stage.ACCEPTED),  # a decline is final
        ([Stage.ACCEPTED], Stage.TERM_SHEET),  # skipping stages
        ([Stage.ACCEPTED], Stage.WITHDRAWN),  # only the company withdraws
    ],
)
def test_refused_transitions_change_nothing(market, path, to_stage):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in path:
        actions.advance_interest(market["erin"], interest, stage)
    events = InterestEvent.objects.count()

    with translation.override("en"), pytest.raises(ActionRefused, match="cannot move to"):
        actions.advance_interest(market["erin"], interest, to_stage)

    interest.refresh_from_db()
    assert interest.stage == (path[-1] if path else Stage.EXPRESSED)
    assert InterestEvent.objects.count() == events


def test_committing_needs_an_amount_and_an_instrument(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    with translation.override("en"), pytest.raises(ActionRefused, match="amount committed"):
        actions.propose_commitment(market["erin"], interest, amount_twd=None, instrument="equity")
    with translation.override("en"), pytest.raises(ActionRefused, match="amount committed"):
        actions.propose_commitment(market["erin"], interest, amount_twd=5_000, instrument="barter")
    with translation.override("en"), pytest.raises(ActionRefused, match="cannot move"):
        actions.advance_interest(market["erin"], interest, Stage.COMMITTED)  # only through both sides' confirmation
    interest.refresh_from_db()
    assert (interest.stage, interest.committed_amount_twd, interest.commitment_proposed_by_side) == (
        Stage.TERM_SHEET,
        None,
        "",
    )


def test_the_company_cannot_advance_and_the_team_cannot_withdraw(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    with pytest.raises(PermissionDenied):
        actions.advance_interest(market["carol"], interest, Stage.ACCEPTED)
    with pytest.raises(PermissionDenied):
        actions.withdraw_interest(market["erin"], interest)
    actions.withdraw_interest(market["carol"], interest)
    interest.refresh_from_db()
    assert interest.stage == Stage.WITHDRAWN
    with translation.override("en"), pytest.raises(ActionRefused, match="already closed"):
        actions.withdraw_interest(market["carol"], interest)


def test_an_over_limit_or_fractional_commitment_typed_in_the_form_is_refused(client, market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    client.force_login(market["erin"])
    url = reverse("marketplace:interest_propose", kwargs={"pk": interest.pk})
    for amount in ("800000.5", "-5", "1000000001"):
        response = client.post(url, {"amount": amount, "instrument": "equity"})
        assert response.status_code == 400
        interest.refresh_from_db()
        assert (interest.stage, interest.committed_amount_twd) == (Stage.TERM_SHEET, None), amount
    response = client.post(url, {"amount": "NT$800,000", "instrument": "loan"})
    interest.refresh_from_db()
    assert (interest.stage, interest.committed_amount_twd, interest.commitment_proposed_by_side) == (
        Stage.TERM_SHEET,
        800_000,
        "team",
    )
    client.force_login(market["carol"])
    client.post(reverse("marketplace:interest_confirm", kwargs={"pk": interest.pk}))
    interest.refresh_from_db()
    assert (interest.stage, interest.commitment_confirmed_by) == (Stage.COMMITTED, market["carol"])


def test_the_recommended_page_says_what_to_declare_when_nothing_ranks_the_projects_for_the_company(client, market):
    from bs4 import BeautifulSoup

    company = market["company"]
    slug = market["company_org"].slug
    with translation.override("en"):
        ties = reverse("marketplace:company_ties", kwargs={"slug": slug})
        profile = reverse("marketplace:company_profile", kwargs={"slug": slug})
    client.force_login(market["dave"])

    def notice(language="en"):
        page = BeautifulSoup(client.get(f"/{language}/marketplace/companies/{slug}/recommended/").text, "html.parser")
        found = page.select_one("main .notice-info")
        return (found.get_text(" ", strip=True), [a["href"] for a in found.select("a")]) if found else None

    assert notice() is None

    company.ties.all().delete()
    text, links = notice()
    assert "Your company has declared no hometown ties yet" in text
    assert links == [ties]

    company.sectors_of_interest.clear()
    company.sdg_focus.clear()
    company.ticket_min_twd = company.ticket_max_twd = None
    company.save()
    text, links = notice()
    assert "ranked only by their backers and recent activity" in text
    assert links == [ties, profile]
    assert "地元とのつながりも関心分野も登録していない" in notice("ja")[0]


def test_recommended_page_shows_reasons_and_expressing_interest_from_it_works(client, market):
    client.force_login(market["dave"])
    page = client.get(reverse("marketplace:recommendations", kwargs={"slug": market["company_org"].slug}))
    assert page.status_code == 200
    assert "南投縣竹山鎮" in page.text and "關山米" in page.text
    # The note is cut where the server would refuse it, so what was typed is never sent and lost.
    assert re.search(r'<textarea id="interest-dialog-message" name="message" rows="4" maxlength="2000">', page.text)

    response = client.post(
        reverse(
            "marketplace:interest_express",
            kwargs={"slug": market["company_org"].slug, "project_id": market["rice"].pk},
        ),
        {"message": "你好"},
    )
    assert response.status_code == 302
    assert Interest.objects.get().message == "你好"
    team_list = client.get(reverse("marketplace:company_interests", kwargs={"slug": market["company_org"].slug}))
    assert "關山米" in team_list.text
    client.force_login(market["erin"])
    listing = client.get(reverse("marketplace:enterprise_interests", kwargs={"slug": market["enterprise_org"].slug}))
    assert "台灣好公司" in listing.text


def test_the_interest_lists_name_the_stage_with_a_capital_letter(client, market):
    actions.express_interest(market["dave"], market["company"], market["rice"])
    client.force_login(market["erin"])

    with translation.override("en"):
        listing = client.get(
            reverse("marketplace:enterprise_interests", kwargs={"slug": market["enterprise_org"].slug})
        )

    assert "<td>Interest expressed</td>" in listing.text


def test_a_project_with_a_very_long_title_still_receives_the_interest(market):
    rice = market["rice"]
    rice.title = "關山米" + "好" * 247  # a page title may be 255 characters; the notification's is 200
    rice.save()

    interest = actions.express_interest(market["dave"], market["company"], rice)

    assert Interest.objects.get() == interest
    title = Notification.objects.get(recipient=market["erin"]).title
    assert len(title) == 200 and title.endswith("…")


def test_a_too_long_interest_message_is_refused_with_a_message_and_nothing_is_expressed(client, market):
    client.force_login(market["dave"])
    url = reverse(
        "marketplace:interest_express", kwargs={"slug": market["company_org"].slug, "project_id": market["rice"].pk}
    )

    response = client.post(f"/en{url[url.index('/', 1) :]}", {"message": "x" * 2_001})

    assert response.status_code == 400
    assert "at most 2000 characters" in response.text
    assert not Interest.objects.exists()


def test_the_impact_report_counts_what_was_committed_from_the_records(client, market):
    from marketplace.impact import impact_report

    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    assert impact_report(market["company"]).lines == []
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="loan")
    assert impact_report(market["company"]).lines == []  # proposed, not confirmed: it does not count
    actions.confirm_commitment(market["carol"], interest)
    from cms.models import ProjectUpdate

    ProjectUpdate.objects.create(project=market["rice"], date=interest.created.date(), title="收成", body="<p>好</p>")

    report = impact_report(market["company"])

    assert [line.interest.project.title for line in report.lines] == ["關山米"]
    assert (report.total_committed_twd, report.priority_townships, report.updates_received) == (800_000, 1, 1)
    assert [township.code for township in report.townships] == ["10014030"]
    assert [sdg.number for sdg in report.sdgs] == [12]
    client.force_login(market["dave"])
    page = client.get(reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug}))
    assert "NT$800,000" in page.text
    # The townships are a list, not names glued with 、 (an English name holds a comma itself).
    with translation.override("en"):
        english = client.get(reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug})).text
    assert '<ul class="inline-list"><li>Guanshan Township, Taitung County</li></ul>' in english


def test_the_tables_of_the_signed_in_company_and_team_pages_scroll_in_named_regions(client, market):
    """On a phone a wide table scrolls inside its own box instead of widening the page (tests/browser/
    test_phone_width.py measures it): every table of these pages sits in a table-scroll region that a keyboard
    can reach and that is named by a heading of the page, the only region of that name."""
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="loan")
    actions.confirm_commitment(market["carol"], interest)
    company, enterprise = {"slug": market["company_org"].slug}, {"slug": market["enterprise_org"].slug}
    pages = [
        (market["carol"], reverse("marketplace:impact", kwargs=company)),
        (market["carol"], reverse("marketplace:company_ties", kwargs=company)),
        (market["carol"], reverse("marketplace:company_interests", kwargs=company)),
        (market["carol"], reverse("organisations:members", kwargs=company)),
        (market["erin"], reverse("marketplace:enterprise_interests", kwargs=enterprise)),
    ]
    for user, url in pages:
        client.force_login(user)
        assert assert_tables_scroll_in_named_regions(client.get(url).text, url), f"{url} has no table"


@pytest.mark.usefixtures("page_cache_on")
def test_recommended_cards_are_kept_and_fresh_after_a_payment(
    client, market, settings, django_capture_on_commit_callbacks
):
    """The cards of a company's recommendations are the kept project cards (marketplace.presentation
    .kept_project_cards): the same page without their queries, and a payment shows at once."""
    # The candidates from the database: the payment below indexes its project alone, and an index that holds only
    # some projects would rank only those (this test is about the cards).
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": "database"}
    listing = ProjectListing.objects.get(project=market["rice"])
    open_campaign(listing, 100_000, days_left=20)
    client.force_login(market["dave"])
    url = reverse("marketplace:recommendations", kwargs={"slug": market["company_org"].slug})

    def grid():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).text
        start = html.index('<ol class="recommendation-grid">')
        grid = html[start : html.index("</ol>", start)]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", grid), len(queries.captured_queries)

    first, computing = grid()
    again, kept = grid()
    assert again == first and "NT$100,000 的 0%" in first
    assert kept <= computing - 4, (computing, kept)  # the cards' pages, listings, totals and backers

    with django_capture_on_commit_callbacks(execute=True):
        pay_through_webhook(listing, UserFactory(), 25_000, "kept_cards_1")
    assert "NT$100,000 的 25%" in grid()[0]


def test_recommended_cards_show_the_readers_language_and_interest_is_recorded_against_the_original(
    client, market, settings
):
    from wagtail.models import Locale

    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": "database"}
    rice = market["rice"]
    english = rice.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Guanshan Rice"
    english.save_revision().publish()
    client.force_login(market["dave"])
    with translation.override("en"):
        url = reverse("marketplace:recommendations", kwargs={"slug": market["company_org"].slug})
        express = reverse(
            "marketplace:interest_express", kwargs={"slug": market["company_org"].slug, "project_id": rice.pk}
        )
    page = client.get(url).text

    assert f'href="{english.url}"' in page and "Guanshan Rice" in page
    assert f'href="{rice.url}"' not in page
    assert f'action="{express}"' in page


def test_the_company_interest_list_and_detail_name_the_project_in_the_readers_language(client, market):
    from wagtail.models import Locale

    rice = market["rice"]
    english = rice.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Guanshan Rice"
    english.save_revision().publish()
    interest = actions.express_interest(market["dave"], market["company"], rice)
    client.force_login(market["dave"])

    with translation.override("en"):
        listing = client.get(reverse("marketplace:company_interests", kwargs={"slug": market["company_org"].slug})).text
        detail = client.get(reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})).text

    assert ">Guanshan Rice</a>" in listing and rice.title not in listing
    assert "<title>Guanshan Rice" in detail and "interest in Guanshan Rice" in detail
    assert rice.title not in detail
    # The page leads back to the company's interests and on to the project, as the reader reads it.
    with translation.override("en"):
        company_list = reverse("marketplace:company_interests", kwargs={"slug": market["company_org"].slug})
        team_list = reverse("marketplace:enterprise_interests", kwargs={"slug": market["enterprise_org"].slug})
    back = f'<a href="{company_list}">Interests</a>'
    assert back in detail and f'<a href="{english.url}" lang="en">Guanshan Rice</a>' in detail
    client.force_login(market["erin"])
    with translation.override("en"):
        team_view = client.get(reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})).text
    assert f'<a href="{team_list}">Interests</a>' in team_view


def test_the_impact_report_names_the_projects_in_the_readers_language(client, market):
    from wagtail.models import Locale

    rice = market["rice"]
    english = rice.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Guanshan Rice"
    english.save_revision().publish()
    interest = actions.express_interest(market["dave"], market["company"], rice)
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="loan")
    actions.confirm_commitment(market["carol"], interest)
    client.force_login(market["dave"])

    with translation.override("en"):
        report = client.get(reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug})).text

    assert '<td lang="en">Guanshan Rice</td>' in report
    assert f"<td>{rice.title}</td>" not in report


def _published_translation(page, language, title):
    from tests.helpers import translation_of

    version = translation_of(page, language)
    version.title = title
    version.save_revision().publish()
    return version


def test_interest_notifications_name_the_project_in_the_language_they_are_read_in(
    client, market, mailoutbox, django_capture_on_commit_callbacks
):
    """Made while the team member reads Chinese, an interest's notification names the project by its English and
    Japanese titles on the English and Japanese pages, in the email in the member's language, and the commitment's
    notifications too; where the project has no translation (Japanese, for the second project) its original title."""
    from tests.helpers import notifications_page_in

    rice = market["rice"]
    _published_translation(rice, "en", "Guanshan Rice")
    _published_translation(rice, "ja", "関山米")
    erin = market["erin"]
    erin.preferred_language = "en"
    erin.save(update_fields=["preferred_language"])
    with translation.override("zh-hant"), django_capture_on_commit_callbacks(execute=True):
        # The company's request is in Chinese; the member reads English.
        interest = actions.express_interest(market["dave"], market["company"], rice)
        for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
            actions.advance_interest(erin, interest, stage)
        actions.propose_commitment(market["carol"], interest, amount_twd=500_000, instrument="equity")

    stored = Notification.objects.get(recipient=erin, title__contains="interested")
    assert stored.title == "台灣好公司 is interested in Guanshan Rice"
    emailed = [message for message in mailoutbox if erin.email in message.to and "interested" in message.subject]
    assert emailed and "Guanshan Rice" in emailed[0].subject and "關山米" not in emailed[0].body
    client.force_login(erin)
    english, japanese, chinese = (notifications_page_in(client, code) for code in ("en", "ja", "zh-hant"))
    assert "台灣好公司 is interested in Guanshan Rice" in english
    assert "A commitment of NT$500,000 to Guanshan Rice awaits your confirmation" in english
    assert "関山米" in japanese and "Guanshan Rice" not in japanese and "關山米" not in japanese
    assert "關山米" in chinese and "Guanshan Rice" not in chinese and "関山米" not in chinese


def test_a_project_without_a_translation_in_the_readers_language_is_named_by_its_original(client, market):
    from tests.helpers import notifications_page_in

    rice = market["rice"]
    _published_translation(rice, "en", "Guanshan Rice")
    actions.express_interest(market["dave"], market["company"], rice)

    client.force_login(market["erin"])
    assert "Guanshan Rice" in notifications_page_in(client, "en")
    japanese = notifications_page_in(client, "ja")
    assert "關山米" in japanese and "Guanshan Rice" not in japanese


def test_a_notification_made_before_projects_were_named_in_each_language_still_reads(client, market):
    """A row kept with the project's title as plain text (before this change) reads with that title, the sentence
    around it in the reader's language."""
    from tests.helpers import notifications_page_in

    Notification.objects.create(
        recipient=market["erin"],
        kind=Notification.Kind.NEW_INTEREST,
        title="台灣好公司對「關山米」有興趣",
        title_message={
            "text": "%(company)s is interested in %(project)s",
            "params": {"company": "台灣好公司", "project": "關山米"},
        },
    )
    client.force_login(market["erin"])
    assert "台灣好公司 is interested in 關山米" in notifications_page_in(client, "en")
    assert "台灣好公司對「關山米」有興趣" in notifications_page_in(client, "zh-hant")


def test_the_confirmation_of_an_expressed_interest_names_the_project_in_the_readers_language(client, market):
    """A company member reading Japanese was told 「關山米」のチームに関心を伝えました: the original's title, though the
    page they expressed interest from named the project 関山米."""
    _published_translation(market["rice"], "ja", "関山米")
    client.force_login(market["dave"])
    with translation.override("ja"):
        url = reverse(
            "marketplace:interest_express",
            kwargs={"slug": market["company_org"].slug, "project_id": market["rice"].pk},
        )
    response = client.post(url, {"message": "よろしくお願いします"}, follow=True)

    assert Interest.objects.get().project == market["rice"]
    told = [str(message) for message in response.context["messages"]]
    assert told == ["「関山米」のチームに関心を伝えました。"]


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_record_one_interest_and_refuse_the_other_with_its_reason(market):
    """A double click: the second request's check runs while the first one's interest is not yet committed, so only
    the database's one-interest-per-project rule sees it. The second is refused as the check refuses it, never a
    500."""
    import threading

    from django.db import connections, transaction

    first_inserted, first_may_commit = threading.Event(), threading.Event()

    def first_request():
        try:
            with transaction.atomic():
                Interest.objects.create(company=market["company"], project=market["rice"], message="first")
                first_inserted.set()
                first_may_commit.wait(10)
        finally:
            connections.close_all()

    first = threading.Thread(target=first_request)
    first.start()
    assert first_inserted.wait(10)
    # The second request's insert waits on the first's uncommitted row; let the first commit a moment later.
    threading.Timer(0.5, first_may_commit.set).start()
    with translation.override("en"), pytest.raises(ActionRefused, match="already expressed"):
        actions.express_interest(market["carol"], market["company"], market["rice"], message="second")
    first.join()

    assert list(Interest.objects.values_list("message", flat=True)) == ["first"]
    assert not Notification.objects.filter(kind=Notification.Kind.NEW_INTEREST).exists()
