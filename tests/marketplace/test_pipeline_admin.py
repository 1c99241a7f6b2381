import csv
import io

import pytest
from django.urls import reverse

from accounts.models import User
from marketplace import actions
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def staff():
    return with_mfa(User.objects.create_superuser("editor@homeward.test", "pw-for-tests-123"))


@pytest.fixture
def pipeline(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    actions.advance_interest(market["erin"], interest, "accepted")
    return interest


def test_staff_filter_the_pipeline_by_county_sector_and_stage(client, staff, market, pipeline):
    client.force_login(staff)
    url = reverse("interest_pipeline:index")
    taitung = market["rice"].township.county_id

    assert "關山米" in client.get(url, {"stage": "accepted", "project__township__county": taitung}).text
    assert "關山米" not in client.get(url, {"stage": "committed"}).text
    assert "關山米" not in client.get(url, {"project__sector": market["bamboo"].sector_id}).text


def test_staff_export_the_pipeline_as_csv(client, staff, market, pipeline):
    client.force_login(staff)

    response = client.get(reverse("interest_pipeline:index"), {"export": "csv", "stage": "accepted"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][:6] == ["台灣好公司", "22099131", "關山米", "臺東縣", "關山鎮", "工藝"]
    assert rows[1][6:9] == ["accepted", "", ""]


def test_a_company_name_cannot_become_a_formula_in_the_pipeline_csv(client, staff, market, pipeline):
    organisation = market["company"].organisation
    organisation.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    organisation.save()
    client.force_login(staff)

    response = client.get(reverse("interest_pipeline:index"), {"export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_people_who_are_not_staff_cannot_see_the_pipeline(client, market, pipeline):
    client.force_login(market["dave"])

    response = client.get(reverse("interest_pipeline:index"), {"export": "csv"})

    assert response.status_code in (302, 403)
