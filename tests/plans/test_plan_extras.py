"""A plan's programmes that may fit, its text in three languages, and the map of townships with and without a plan."""

import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import Ministry, SupportProgramme
from core.actions import ActionRefused
from plans import actions
from plans.maps import STAGE_COLOURS, plan_map, township_rows
from plans.models import Plan, Stage
from plans.queries import programmes_for_plan
from plans.text import plan_text
from tests.plans.test_plans import _complete, people, programme, ready_plan, sector  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def fitting(db, people, sector):  # noqa: F811
    ministry = Ministry.objects.get(name_zh="農業部")
    for_offices = SupportProgramme.objects.create(
        ministry=ministry,
        name="鄉鎮漁業轉型補助",
        name_en="Fishery transition grant for townships",
        kind="subsidy",
        applicant_kinds=["township_office"],
    )
    for_offices.sectors.add(sector)
    for_teams = SupportProgramme.objects.create(
        ministry=ministry, name="青年創業貸款", kind="loan", applicant_kinds=["enterprise"]
    )
    return for_offices, for_teams


def test_the_plan_ranks_programmes_with_reasons_and_what_is_missing(client, people, ready_plan, fitting):  # noqa: F811
    for_offices, for_teams = fitting
    fits = {fit.programme.pk: fit for fit in programmes_for_plan(ready_plan)}
    ranked = [fit.programme.pk for fit in programmes_for_plan(ready_plan)]
    assert ranked.index(for_offices.pk) < ranked.index(for_teams.pk)
    assert fits[for_offices.pk].qualifies and not fits[for_teams.pk].qualifies
    actions.submit_plan(people["officer"], ready_plan)

    with translation.override("en"):
        assert any("may apply" in str(reason) for reason in programmes_for_plan(ready_plan)[0].reasons)
        text = client.get(reverse("plans:detail", kwargs={"pk": ready_plan.pk})).text
    assert "Programmes that may fit" in text
    assert "Fishery transition grant for townships" in text  # the English name on the English page
    assert "Missing to qualify:" in text and "Only for:" in text


def test_text_in_the_readers_language_or_the_chinese_original_marked(client, people, ready_plan, sector, programme):  # noqa: F811
    plan = ready_plan
    actions.save_plan(
        people["officer"],
        plan,
        title=plan.title,
        vision=plan.vision,
        local_dna=plan.local_dna,
        total_twd=plan.total_twd,
        sectors=[sector],
        projects=list(plan.projects.all()),
        funding=[
            {k: getattr(line, k) for k in ("source", "programme", "company", "planned_twd", "note")}
            for line in plan.funding.all()
        ],
        milestones=[{"title": m.title, "due": m.due} for m in plan.milestones.all()],
        translations={"title_en": "Smart aquaculture", "vision_en": "Young people come back to Kouhu."},
    )
    plan.refresh_from_db()
    assert plan_text(plan, "vision", "en").text == "Young people come back to Kouhu."
    assert plan_text(plan, "vision", "en").is_fallback is False
    japanese = plan_text(plan, "vision", "ja")
    assert (japanese.text, japanese.lang, japanese.is_fallback) == ("青年回到口湖。", "zh-Hant-TW", True)
    assert plan_text(plan, "vision", "zh-hant").is_fallback is False
    actions.submit_plan(people["officer"], plan)

    with translation.override("en"):
        english = client.get(reverse("plans:detail", kwargs={"pk": plan.pk})).text
    assert '<h1 lang="en">Smart aquaculture</h1>' in english
    assert "Young people come back to Kouhu." in english
    assert "In Chinese (the original):" in english  # the local DNA has no English text
    with translation.override("ja"):
        japanese_page = client.get(reverse("plans:detail", kwargs={"pk": plan.pk})).text
    assert '<h1 lang="zh-Hant-TW">智慧養殖返鄉計畫</h1>' in japanese_page
    with translation.override("en"):
        listed = client.get(reverse("plans:list")).text
    assert ">Smart aquaculture</a>" in listed


def test_a_translation_without_its_chinese_text_is_refused_and_nothing_is_saved(people, sector, programme):  # noqa: F811
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    with translation.override("en"), pytest.raises(ActionRefused, match="no Chinese text"):
        actions.save_plan(
            people["officer"],
            plan,
            title="新標題",
            vision="",
            local_dna="",
            total_twd=0,
            sectors=[sector],
            projects=[],
            funding=[],
            milestones=[],
            translations={"vision_ja": "ビジョン"},
        )
    with translation.override("en"), pytest.raises(ActionRefused, match="Unknown translated section"):
        actions.save_plan(
            people["officer"],
            plan,
            title="新標題",
            vision="",
            local_dna="",
            total_twd=0,
            sectors=[],
            projects=[],
            funding=[],
            milestones=[],
            translations={"stage": "matched"},
        )
    plan.refresh_from_db()
    assert (plan.title, plan.vision_ja, plan.sectors.count()) == ("草稿", "", 0)


def test_the_edit_page_saves_the_translations_and_shows_a_refusal(client, people, sector, programme, listing):  # noqa: F811
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    form = {
        "title": "網頁寫的計畫",
        "vision": "",
        "local_dna": "DNA",
        "total_twd": "0",
        "tr-title_en": "Written on the web",
        "tr-vision_en": "A vision without its Chinese original",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    with translation.override("en"):
        edit = reverse("plans:edit", kwargs={"pk": plan.pk})
    refused = client.post(edit, form)
    assert refused.status_code == 400 and "write the Chinese original first" in refused.text
    assert Plan.objects.get(pk=plan.pk).title == "草稿"
    form["vision"] = "願景"
    assert client.post(edit, form).status_code == 302
    plan.refresh_from_db()
    assert (plan.title_en, plan.vision_en, plan.local_dna_en) == (
        "Written on the web",
        "A vision without its Chinese original",
        "",
    )


def test_the_map_colours_townships_by_the_stage_of_their_furthest_plan(client, people, ready_plan, sector, programme):  # noqa: F811
    actions.submit_plan(people["officer"], ready_plan)
    draft = actions.create_plan(people["officer"], people["office"], title="第二案")
    kouhu = people["kouhu"].code
    result = plan_map(Plan.objects.all())
    regions = {region.code: region for region in result.regions}
    assert regions[kouhu].fill == STAGE_COLOURS[Stage.COUNTY_REVIEW]  # the submitted plan, not the draft
    assert regions[kouhu].href == ready_plan.get_absolute_url()
    others = [region for code, region in regions.items() if code != kouhu]
    assert len(others) == 367 and all(region.value is None for region in others)
    assert [row["stage"] for row in township_rows(Plan.objects.all())] == [Stage.COUNTY_REVIEW]
    assert draft.stage == Stage.DRAFT

    with translation.override("en"):
        page = client.get(reverse("plans:list")).text
    assert 'id="plans-map"' in page and "Townships with a plan" in page
    assert "1 township has a public plan" in page


def test_the_dashboard_shows_the_map_to_staff_only(client, people, ready_plan):  # noqa: F811
    url = reverse("plans_dashboard")
    client.force_login(people["officer"])
    assert client.get(url).status_code in (302, 403)
    client.force_login(people["staff"])
    with translation.override("en"):
        page = client.get(url).text
    assert 'id="staff-plans-map"' in page and 'data-testid="townships-with-plan"' in page


def test_the_funding_table_names_a_programme_in_the_readers_language(people, ready_plan, programme):  # noqa: F811
    from plans.queries import funding_rows

    programme.name_en = "Test grant"
    programme.save()

    with translation.override("en"):
        names = [name for row in funding_rows(ready_plan) for name in row.names]

    assert "Ministry of Agriculture — Test grant" in names
