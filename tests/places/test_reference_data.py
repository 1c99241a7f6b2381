import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from places.actions import TOWNSHIPS_CSV, ReferenceDataError, import_priority_areas, load_townships
from places.models import County, Township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_loads_all_368_townships_in_22_counties():
    counties, townships = load_townships()

    assert (counties.created, townships.created) == (22, 368)
    assert County.objects.count() == 22
    assert Township.objects.count() == 368
    neipu = Township.objects.with_county().get(name_zh="內埔鄉")
    assert neipu.county.name_zh == "屏東縣"
    assert neipu.name_en == "Neipu Township"
    assert neipu.postal_code == "912"
    assert neipu.population > 0


def test_loading_twice_changes_nothing():
    load_townships()
    counties, townships = load_townships()

    assert (counties.created, counties.updated, counties.unchanged) == (0, 0, 22)
    assert (townships.created, townships.updated, townships.unchanged) == (0, 0, 368)


def test_reload_updates_changed_figures_and_keeps_the_priority_flag(tmp_path):
    load_townships()
    Township.objects.filter(code="10013030").update(is_priority_area=True)
    with open(TOWNSHIPS_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["town_code"] == "10013030":
            row["pop_2021_03"] = "12345"
    changed = tmp_path / "townships.csv"
    with open(changed, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)

    _, townships = load_townships(changed)

    assert townships.updated == 1
    township = Township.objects.get(code="10013030")
    assert township.population == 12345
    assert township.is_priority_area


def test_a_file_missing_columns_is_refused_before_anything_is_written(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("town_code,town_zh\n10013030,內埔鄉\n", encoding="utf-8")

    with translation.override("en"), pytest.raises(ReferenceDataError, match="lacks the columns"):
        load_townships(broken)
    assert Township.objects.count() == 0


def test_priority_areas_are_flagged_from_a_csv_keyed_by_town_code():
    load_townships()

    result = import_priority_areas("town_code\n10013030\n09007010\n")

    assert result.flagged == ["09007010", "10013030"]
    assert set(Township.objects.priority_areas().values_list("code", flat=True)) == {"09007010", "10013030"}


def test_replace_makes_the_file_the_whole_list():
    load_townships()
    import_priority_areas("town_code\n10013030\n09007010\n")

    result = import_priority_areas("town_code\n09007010\n", replace=True)

    assert result.unflagged == ["10013030"]
    assert list(Township.objects.priority_areas().values_list("code", flat=True)) == ["09007010"]


def test_an_unknown_town_code_aborts_the_whole_import():
    load_townships()

    with pytest.raises(ReferenceDataError, match="99999999"):
        import_priority_areas("town_code\n10013030\n99999999\n")
    assert not Township.objects.priority_areas().exists()


def test_a_csv_without_town_code_column_is_refused():
    with translation.override("en"), pytest.raises(ReferenceDataError, match="column named town_code"):
        import_priority_areas("code\n10013030\n")


def test_commands_report_results_and_errors_in_one_line(tmp_path):
    out = io.StringIO()
    call_command("load_townships", stdout=out)
    assert "368 created" in out.getvalue()

    priority_file = tmp_path / "priority.csv"
    priority_file.write_text("\ufefftown_code\n10013030\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_priority_areas", str(priority_file), stdout=out)
    assert "1 townships flagged" in out.getvalue()

    with pytest.raises(CommandError, match="No such file"):
        call_command("import_priority_areas", str(tmp_path / "missing.csv"))
