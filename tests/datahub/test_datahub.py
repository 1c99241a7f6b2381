"""The data hub: importing official figures (validated, all or nothing, versioned) and where they are shown.

Every series here is TEST DATA — synthetic values made up for these tests (indicator codes start with test_ or are
the migration codes, sources are named "TEST DATA — synthetic series"); none of it is an official figure.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.actions import township_page_for
from core.models import AuditEntry
from datahub.actions import ImportRefused, import_figures
from datahub.models import ImportBatch, Indicator, Observation
from datahub.queries import migration_balance, township_series
from places.models import Township
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, KOUHU
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TEST_SOURCE = "TEST DATA — synthetic series"
TEST_LICENCE = "test licence (synthetic)"
HEADER = "indicator,unit,period,code,value\n"
YUNLIN = "10009"


@pytest.fixture
def indicators(townships):
    return {
        "farms": Indicator.objects.create(
            code="test_farms", name_zh="測試農場數", name_en="Test farms", name_ja="テスト農場数", unit="farms"
        ),
        "share": Indicator.objects.create(
            code="test_share", name_zh="測試比例", name_en="Test share", name_ja="テスト割合", unit="%"
        ),
        "county": Indicator.objects.create(
            code="test_county_jobs",
            name_zh="測試縣就業",
            name_en="Test county jobs",
            name_ja="テスト県就業",
            unit="jobs",
            level=Indicator.Level.COUNTY,
        ),
    }


def run_import(text, version_date=datetime.date(2026, 1, 31), actor=None, name="test.csv"):
    return import_figures(
        text, file_name=name, source=TEST_SOURCE, licence=TEST_LICENCE, source_date=version_date, actor=actor
    )


GOOD = (
    HEADER
    + f"test_farms,farms,2024,{KOUHU},10\n"
    + f"test_farms,farms,2025,{KOUHU},12\n"
    + f"test_farms,farms,2025,{GUANSHAN},3\n"
    + f"test_share,%,2025-06,{KOUHU},12.5\n"
    + f'test_county_jobs,jobs,2025,{YUNLIN},"1,200"\n'
)


def test_a_valid_file_is_imported_as_one_batch_with_an_audit_entry(indicators):
    batch = run_import(GOOD)

    assert batch.version == 1 and batch.row_count == 5
    assert Observation.objects.filter(batch=batch, is_current=True).count() == 5
    assert Observation.objects.get(indicator__code="test_county_jobs").value == Decimal(1200)
    assert set(batch.indicators.values_list("code", flat=True)) == {"test_farms", "test_share", "test_county_jobs"}
    assert AuditEntry.objects.filter(action="figures.import", data__batch=batch.pk).exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"test_nope,farms,2025,{KOUHU},1", "Unknown indicator"),
        ("test_farms,farms,2025,99999999,1", "Unknown town code"),
        (f"test_county_jobs,jobs,2025,{KOUHU},1", "Unknown county code"),
        (f"test_farms,hectares,2025,{KOUHU},1", "does not match the indicator's unit"),
        (f"test_farms,farms,2025,{KOUHU},many", "is not a number"),
        (f"test_farms,farms,2025,{KOUHU},NaN", "is not a number"),
        (f"test_farms,farms,2025-13,{KOUHU},1", "is not a year"),
        (f"test_farms,farms,2024,{KOUHU},11", "already on line 2"),
    ],
)
def test_each_bad_line_refuses_the_whole_file_with_its_line_number(indicators, line, expected):
    from django.utils import translation

    text = GOOD + line + "\n"  # the header is line 1, GOOD's rows 2–6, the bad row line 7
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        run_import(text)

    assert any(number == 7 and expected in message for number, message in refused.value.errors), refused.value.errors
    assert not ImportBatch.objects.exists() and not Observation.objects.exists()
    assert not AuditEntry.objects.filter(action="figures.import").exists()


def test_every_error_is_listed_not_only_the_first(indicators):
    text = HEADER + f"test_farms,farms,2025,{KOUHU},x\ntest_farms,farms,2025,00000000,1\n"
    with pytest.raises(ImportRefused) as refused:
        run_import(text)
    assert [number for number, _message in refused.value.errors] == [2, 3]


def test_a_header_without_the_columns_is_refused(indicators):
    with pytest.raises(ImportRefused) as refused:
        run_import("indicator,period,code\nx,2025,1\n")
    assert refused.value.errors[0][0] == 1


def test_a_reimport_supersedes_the_values_and_keeps_the_older_batch(indicators, client):
    first = run_import(GOOD)
    second = run_import(HEADER + f"test_farms,farms,2025,{KOUHU},13\n", datetime.date(2026, 6, 30))

    assert second.version == 2
    current = Observation.objects.get(indicator__code="test_farms", place_code=KOUHU, period="2025", is_current=True)
    assert current.batch == second and current.value == 13
    old = Observation.objects.get(indicator__code="test_farms", place_code=KOUHU, period="2025", is_current=False)
    assert old.batch == first and old.value == 12
    # values the new file does not mention stay current from the first batch
    assert Observation.objects.get(place_code=GUANSHAN, is_current=True).batch == first

    response = client.get(reverse("datahub:time_series", args=["test_farms", KOUHU]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "13 farms" in html and TEST_SOURCE in html
    earlier = html.split('id="earlier-title"')[1]  # the replaced value stays viewable, with its batch's version
    assert "12 farms" in earlier and "<td>1</td>" in earlier


def test_a_failed_reimport_changes_nothing(indicators):
    run_import(GOOD)
    before = list(Observation.objects.order_by("pk").values_list("pk", "value", "is_current"))
    with pytest.raises(ImportRefused):
        run_import(HEADER + f"test_farms,farms,2025,{KOUHU},13\ntest_farms,farms,2025,{KOUHU},x\n")
    assert list(Observation.objects.order_by("pk").values_list("pk", "value", "is_current")) == before
    assert ImportBatch.objects.count() == 1


def test_the_township_page_shows_the_latest_value_with_source_and_a_series(cms_site, indicators, client):
    run_import(GOOD)
    page = township_page_for(Township.objects.get(code=KOUHU))

    html = client.get(page.url).content.decode()

    assert 'id="official-figures-title"' in html
    assert "測試農場數" in html and "12 farms" in html  # latest period (2025), not 2024's 10
    assert TEST_SOURCE in html and TEST_LICENCE in html and "2026-01-31" in html
    assert '<svg class="figure-spark"' in html  # two periods draw a line
    assert "1,200 jobs" in html  # the county-level figure through its county
    assert reverse("datahub:time_series", args=["test_farms", KOUHU]) in html
    assert "style=" not in html.split('id="official-figures-title"')[1].split("</section>")[0]


def test_a_township_without_figures_has_no_section(cms_site, indicators, client):
    page = township_page_for(Township.objects.get(code=KOUHU))
    assert 'id="official-figures-title"' not in client.get(page.url).content.decode()


def test_migration_series_give_the_net_balance_against_the_goals(cms_site, townships, client):
    for code, name in (("in_migration", "遷入"), ("out_migration", "遷出")):
        Indicator.objects.create(code=code, name_zh=name, name_en=code, unit="persons")
    run_import(
        HEADER
        + f"in_migration,persons,2022,{KOUHU},900\nout_migration,persons,2022,{KOUHU},1000\n"
        + f"in_migration,persons,2023,{KOUHU},1100\nout_migration,persons,2023,{KOUHU},1000\n"
    )
    balance = migration_balance(Township.objects.select_related("county").get(code=KOUHU))
    assert [year.net for year in balance.years] == [-100, 100]
    assert balance.balanced is False and balance.returning is True

    html = client.get(township_page_for(Township.objects.get(code=KOUHU)).url).content.decode()
    panel = html.split('id="migration-title"')[1]
    assert "-100" in panel and "+100" in panel and "2030" in panel


def test_the_impact_map_offers_each_imported_indicator_as_a_layer_with_its_source(indicators, client):
    run_import(GOOD)
    page = client.get(reverse("impact:page"))
    assert 'value="figure:test_farms"' in page.content.decode()

    response = client.get(reverse("impact:page"), {"measure": "figure:test_farms"})
    html = response.content.decode()
    assert response.status_code == 200
    assert TEST_SOURCE in html and TEST_LICENCE in html
    assert "12 farms" in html  # Kouhu's latest value in the map's readout/table

    county = client.get(reverse("impact:page"), {"measure": "figure:test_county_jobs"}).content.decode()
    assert "1,200 jobs" in county

    assert client.get(reverse("impact:page"), {"measure": "figure:test_unknown"}).status_code == 400


def _staff(permission=True):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="add_importbatch"))
    return with_mfa(user)


def _upload(text):
    return {
        "csv_file": SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv"),
        "source": TEST_SOURCE,
        "licence": TEST_LICENCE,
        "source_date": "2026-01-31",
    }


def test_staff_import_through_the_admin_and_errors_come_back_with_line_numbers(indicators, client):
    client.force_login(_staff())
    url = reverse("datahub_import")
    assert client.get(url).status_code == 200

    refused = client.post(url, _upload(HEADER + f"test_farms,farms,2025,{KOUHU},1\ntest_farms,farms,2025,{KOUHU},x\n"))
    assert refused.status_code == 200
    errors = refused.content.decode().split('class="import-errors"')[1].split("</ul>")[0]
    assert "3" in errors and "x" in errors  # line 3, the bad value
    assert refused.context["form"]["source"].value() == TEST_SOURCE  # the form comes back filled in
    assert not ImportBatch.objects.exists()

    done = client.post(url, _upload(GOOD))
    assert done.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.row_count == 5 and batch.file_name == "figures.csv" and batch.imported_by is not None


def test_staff_without_the_permission_and_people_who_are_not_staff_are_refused(indicators, client):
    url = reverse("datahub_import")
    client.force_login(_staff(permission=False))
    assert client.post(url, _upload(GOOD)).status_code in (302, 403)
    client.force_login(UserFactory())
    assert client.post(url, _upload(GOOD)).status_code == 302
    assert not ImportBatch.objects.exists()


OPTIONS = {"source": TEST_SOURCE, "licence": TEST_LICENCE, "date": "2026-01-31"}


def test_the_action_refuses_an_actor_without_the_permission(indicators):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(GOOD, actor=UserFactory(is_staff=True))
    assert not ImportBatch.objects.exists()


def test_the_command_imports_and_refuses_with_line_numbers(indicators, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"test_farms,farms,2025,{KOUHU},1\ntest_farms,farms,2025,{KOUHU},2\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_figures", str(bad), **OPTIONS, stderr=errors)
    assert "line 3" in errors.getvalue()
    assert not ImportBatch.objects.exists()

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_figures", str(good), **OPTIONS, stdout=out, stderr=io.StringIO())
    assert "Imported 5 rows" in out.getvalue()


def test_the_shipped_reference_figures_load_once(townships):
    call_command("load_reference_figures", stdout=io.StringIO())
    call_command("load_reference_figures", stdout=io.StringIO())
    assert ImportBatch.objects.count() == 1
    kouhu = Township.objects.get(code=KOUHU)
    assert Observation.objects.get(indicator__code="population", place_code=KOUHU).value == kouhu.population
    assert len(township_series(Township.objects.select_related("county").get(code=KOUHU))) == 3


def test_the_time_series_page_serves_county_figures_and_refuses_unknown_places(indicators, client):
    run_import(GOOD)
    page = client.get(reverse("datahub:time_series", args=["test_county_jobs", YUNLIN]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "1,200 jobs" in page.content.decode()
    assert client.get(reverse("datahub:time_series", args=["test_county_jobs", KOUHU])).status_code == 404
    assert client.get(reverse("datahub:time_series", args=["test_nope", KOUHU])).status_code == 404
    assert client.get(reverse("datahub:time_series", args=["test_share", GUANSHAN])).status_code == 404  # no figures


def test_staff_see_the_imports_with_the_import_button(indicators, client):
    run_import(GOOD)
    client.force_login(_staff())
    html = client.get(reverse("figure_imports:index")).content.decode()
    assert "test.csv" in html and reverse("datahub_import") in html


@pytest.mark.parametrize(
    ("language", "out_of_bounds"),
    [
        ("zh-hant", "資料來源須是最近 10 年內發布的"),
        ("en", "The source published the figures within the last 10 years"),
        ("ja", "出典の公表日は過去 10 年以内です"),
    ],
)
def test_a_source_date_is_bounded_and_the_import_page_says_the_limit(
    indicators, client, settings, language, out_of_bounds
):
    """A source date of 9999-12-31 or year 1 was stored with the figures and shown beside them as their source."""
    from django.utils import formats, timezone, translation

    from core.dates import years_from

    settings.DATAHUB_SOURCE_MAX_YEARS_BACK = 10
    today = timezone.localdate()
    earliest = years_from(today, -10)
    from wagtail.users.models import UserProfile

    staff = _staff()
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = language
    profile.save()
    client.force_login(staff)
    url = reverse("datahub_import")
    with translation.override(language):
        shown = (formats.date_format(earliest), formats.date_format(today))
    for source_date in ("9999-12-31", "0001-01-01", (earliest - datetime.timedelta(days=1)).isoformat()):
        response = client.post(url, {**_upload(GOOD), "source_date": source_date})
        assert response.status_code == 200
        assert response.context["form"].errors["source_date"]
        assert out_of_bounds in response.text and all(day in response.text for day in shown)
    picker = response.context["form"]["source_date"].field.widget.attrs
    assert (picker["min"], picker["max"]) == (earliest.isoformat(), today.isoformat())
    assert not ImportBatch.objects.exists()

    # The first day allowed is accepted.
    assert client.post(url, {**_upload(GOOD), "source_date": earliest.isoformat()}).status_code == 302
    assert ImportBatch.objects.get().source_date == earliest


def test_the_action_refuses_a_source_date_beyond_the_limit(indicators, settings):
    settings.DATAHUB_SOURCE_MAX_YEARS_BACK = 10
    for source_date in (datetime.date(1, 1, 1), datetime.date(9999, 12, 31)):
        with pytest.raises(ImportRefused, match="10 年"):
            import_figures(GOOD, file_name="f.csv", source="s", licence="l", source_date=source_date)
    assert not ImportBatch.objects.exists()
