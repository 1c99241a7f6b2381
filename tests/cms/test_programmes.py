"""The programme catalogue: ministries and programmes with structured eligibility, refused bad input, the public
catalogue and programme pages, and rank_programmes' reasons and what is missing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Organisation, User
from cms.models import Ministry, Sector, SupportProgramme
from cms.programmes import WEIGHTS, rank_programmes
from places.models import Township
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAPER = {
    "國家發展基金產業創新轉型基金",
    "國家發展基金加強投資中小企業實施方案",
    "國家發展基金創業天使投資方案",
    "國家發展基金合作投資專案",
    "中小企業信用保證基金",
}
TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def agriculture(db):
    return Sector.objects.create(slug="t-agri", name_zh="農業", name_en="Agriculture", name_ja="農業")


@pytest.fixture
def crafts(db):
    return Sector.objects.create(slug="t-crafts", name_zh="工藝", name_en="Crafts", name_ja="工芸")


def ministry(zh="農業部"):
    return Ministry.objects.get(name_zh=zh)


def programme(name, **fields):
    sectors = fields.pop("sectors", ())
    townships = fields.pop("townships", ())
    fields.setdefault("ministry", ministry())
    fields.setdefault("kind", SupportProgramme.Kind.SUBSIDY)
    made = SupportProgramme.objects.create(name=name, **fields)
    made.sectors.set(sectors)
    made.townships.set(townships)
    return made


def test_the_seed_has_the_ministries_and_only_the_papers_programmes_without_amounts():
    assert {"國家發展委員會", "經濟部", "農業部", "文化部", "原住民族委員會", "客家委員會", "數位發展部"} <= set(
        Ministry.objects.values_list("name_zh", flat=True)
    )
    seeded = SupportProgramme.objects.filter(seeded_from_paper=True)
    assert set(seeded.values_list("name", flat=True)) == PAPER
    assert not seeded.exclude(amount_min=None).exists() and not seeded.exclude(amount_max=None).exists()
    assert not seeded.exclude(opens_on=None).exists()
    assert seeded.get(name="中小企業信用保證基金").kind == SupportProgramme.Kind.GUARANTEE
    assert all(p.name_en and p.name_ja for p in seeded)


def test_a_reversed_amount_range_or_dates_are_refused_by_the_model_and_the_database():
    bad = SupportProgramme(ministry=ministry(), name="x", kind="subsidy", amount_min=500, amount_max=100)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "amount_max" in error.value.message_dict
    bad = SupportProgramme(
        ministry=ministry(), name="x", kind="subsidy", opens_on=TODAY, closes_on=TODAY - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "closes_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportProgramme.objects.create(ministry=ministry(), name="x", kind="subsidy", amount_min=5, amount_max=1)
    assert not SupportProgramme.objects.filter(name="x").exists()


@pytest.fixture
def staff_client(client):
    client.force_login(with_mfa(User.objects.create_superuser("staff@homeward.test", "a-long-password-4")))
    return client


def admin_post(client, **overrides):
    data = {
        "ministry": str(ministry().pk),
        "name": "地方產業補助",
        "kind": "subsidy",
        "stages": [],
        "applicant_kinds": [],
    }
    data.update(overrides)
    return client.post(reverse("wagtailsnippets_cms_supportprogramme:add"), data)


def test_staff_add_a_programme_with_its_rules_in_the_admin(staff_client, agriculture):
    response = admin_post(
        staff_client,
        applicant_kinds=["enterprise", "community"],
        stages=["idea"],
        sectors=[str(agriculture.pk)],
        amount_min="100000",
        amount_max="500000",
        opens_on="2026-12-01",
        closes_on="2026-12-31",
    )

    assert response.status_code == 302
    made = SupportProgramme.objects.get(name="地方產業補助")
    assert made.applicant_kinds == ["enterprise", "community"]
    assert made.stages == ["idea"]
    assert list(made.sectors.all()) == [agriculture]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # The admin speaks the site's default language (zh-Hant) to this staff member.
        ({"ministry": "999999"}, "ministry", "未知的部會"),
        ({"amount_min": "500", "amount_max": "100"}, "amount_max", "最高金額不得小於最低金額"),
        ({"opens_on": "2026-12-10", "closes_on": "2026-12-01"}, "closes_on", "截止日不得早於開始受理日"),
        ({"applicant_kinds": ["martians"]}, "applicant_kinds", "martians"),
    ],
)
def test_the_admin_refuses_bad_programmes_with_a_clear_message(staff_client, overrides, field, message):
    response = admin_post(staff_client, **overrides)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not SupportProgramme.objects.filter(name="地方產業補助").exists()


def test_the_catalogue_filters_by_ministry_kind_sector_applicant_and_open_now(client, agriculture, crafts):
    today = timezone.localdate()
    programme(
        "農業補助", sectors=[agriculture], applicant_kinds=["enterprise"], closes_on=today + datetime.timedelta(9)
    )
    programme("工藝補助", sectors=[crafts], applicant_kinds=["township_office"])
    programme("明年補助", opens_on=today + datetime.timedelta(days=30))
    programme("文化貸款", ministry=ministry("文化部"), kind="loan")

    def names(**query):
        response = client.get(reverse("cms:programme_catalogue"), query)
        assert response.status_code == 200
        return {p.name for p in response.context["page"].object_list}

    assert {"農業補助", "工藝補助", "明年補助", "文化貸款"} | PAPER <= names()
    assert names(ministry="moc") == {"文化貸款"}
    assert names(kind="loan") == {"文化貸款"}
    assert names(kind="guarantee") == {"中小企業信用保證基金"}
    assert "工藝補助" not in names(sector="t-agri") and "農業補助" in names(sector="t-agri")
    assert "工藝補助" not in names(applicant="enterprise") and "農業補助" in names(applicant="enterprise")
    assert "明年補助" not in names(open_now="on") and "農業補助" in names(open_now="on")
    assert names(q="天使") == {"國家發展基金創業天使投資方案"}
    assert names(q="Angel") == {"國家發展基金創業天使投資方案"}
    assert names(kind="nonsense") >= PAPER  # an unknown filter value is ignored, not an error


@pytest.mark.parametrize(
    ("language", "next_step"),
    [("zh-hant", "顯示全部支持計畫"), ("en", "Show every programme"), ("ja", "すべての制度を表示")],
)
def test_filters_that_match_nothing_say_so_and_lead_back_to_every_programme(client, language, next_step):
    with translation.override(language):
        catalogue = reverse("cms:programme_catalogue")
    response = client.get(catalogue, {"q": "沒有這種制度 zzz"})
    assert response.status_code == 200 and not response.context["page"].object_list
    page = response.content.decode()
    assert next_step in page and f'href="{catalogue}"' in page


def test_a_programme_page_in_three_languages(client):
    seeded = SupportProgramme.objects.get(name="國家發展基金創業天使投資方案")
    url = seeded.get_absolute_url()
    zh = client.get(url).content.decode()
    assert "國家發展基金創業天使投資方案" in zh and "國家發展委員會" in zh and "政策文件" in zh
    with translation.override("en"):
        en = client.get(seeded.get_absolute_url()).content.decode()
        assert "Angel Investment Programme" in en and "National Development Council" in en
    with translation.override("ja"):
        ja = client.get(seeded.get_absolute_url()).content.decode()
        assert "エンジェル投資" in ja and "国家発展委員会" in ja
    assert client.get(reverse("cms:programme_detail", kwargs={"pk": 999999})).status_code == 404


# --- rank_programmes ----------------------------------------------------------------------------------------


@pytest.fixture
def places(townships):
    priority = Township.objects.get(code="10014030")  # 關山鎮
    Township.objects.filter(pk=priority.pk).update(is_priority_area=True)
    priority.refresh_from_db()
    return {"priority": priority, "other": Township.objects.get(code="10008040")}


def test_the_ranking_gives_reasons_and_what_is_missing(places, agriculture, crafts):
    only_ours = SupportProgramme.objects.filter(seeded_from_paper=False)
    fits_us = programme(
        "優先區農業補助",
        for_priority_areas=True,
        sectors=[agriculture],
        applicant_kinds=["enterprise"],
        closes_on=TODAY + datetime.timedelta(days=12),
    )
    offices_only = programme("公所計畫", applicant_kinds=["township_office"], sectors=[agriculture])
    programme("已截止", closes_on=TODAY - datetime.timedelta(days=1))
    other_place = programme("別處", townships=[places["other"]])

    with translation.override("en"):
        fits = rank_programmes(
            organisation_kind=Organisation.Kind.ENTERPRISE,
            township=places["priority"],
            sectors=[agriculture],
            today=TODAY,
            programmes=only_ours,
        )

    by_programme = {fit.programme: fit for fit in fits}
    assert "已截止" not in {fit.programme.name for fit in fits}
    assert fits[0].programme == fits_us
    assert fits[0].qualifies
    assert fits[0].reasons == [
        "Your township is a priority area.",
        "Enterprise team may apply.",
        "Agriculture is eligible.",
        "Closes in 12 days.",
    ]
    assert by_programme[offices_only].missing == ["Only for: Township office."]
    assert by_programme[offices_only].reasons == ["Agriculture is eligible."]
    assert by_programme[other_place].missing == ["Only for the townships it names."]
    assert [fit.qualifies for fit in fits] == sorted((fit.qualifies for fit in fits), reverse=True)
    expected = sum(WEIGHTS[k] for k in ("priority_area", "applicant_kind", "sector", "open_now", "closing_soon"))
    assert fits[0].score == expected


def test_outside_a_priority_area_the_ranking_says_what_is_missing(places, agriculture):
    made = programme("優先區限定", for_priority_areas=True)

    with translation.override("zh-hant"):
        fits = rank_programmes(
            organisation_kind="company",
            township=places["other"],
            today=TODAY,
            programmes=SupportProgramme.objects.filter(pk=made.pk),
        )

    assert not fits[0].qualifies
    assert fits[0].missing == ["僅限地方創生優先推動地區。"]
