"""The township page's sections from the apps above cms (cms.township_sections): organisations, open help requests
and upcoming experiences, events and volunteering; empty states that say what to do next; flat query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Organisation
from cms.actions import township_page_for
from cms.township_sections import register_township_section, registered_sections, unregister_township_section
from experiences import actions as experience_actions
from experiences.models import Experience
from people import actions as people_actions
from places.models import Township
from tests.factories.accounts import verified_organisation
from tests.helpers import assert_queries_do_not_grow as grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ZHUSHAN = "10008040"


def soon(days=3, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class Maker:
    def __init__(self, alice):
        self.alice = alice
        self.count = 0
        self.zhushan = Township.objects.select_related("county").get(code=ZHUSHAN)
        self.page = township_page_for(self.zhushan)
        self.office = verified_organisation(
            alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="竹山鎮公所", township=self.zhushan
        )

    def organisation(self, kind=Organisation.Kind.COMMUNITY):
        self.count += 1
        return account_actions.create_organisation(
            self.alice, kind=kind, name=f"竹山社區{self.count}", township=self.zhushan
        )

    def help_request(self, **extra):
        self.count += 1
        values = {
            "title": f"包裝設計{self.count}",
            "description": "需要設計師",
            "field": "creative",
            "township": self.zhushan,
            "work_format": "remote",
            "starts_on": timezone.localdate() + datetime.timedelta(days=1),
            "ends_on": timezone.localdate() + datetime.timedelta(days=30 + self.count),
            "pro_bono": True,
        }
        values.update(extra)
        return people_actions.create_help_request(self.alice, self.office, **values)

    def experience(self, kind=Experience.Kind.EXPERIENCE, days=3):
        self.count += 1
        experience = experience_actions.create_experience(
            self.alice,
            self.office,
            kind=kind,
            title_zh=f"竹山採茶{self.count}",
            title_en=f"Tea picking {self.count}",
            description_zh="跟著茶農上山採茶。",
            township=self.zhushan,
            languages=["zh"],
            is_published=True,
        )
        start = soon(days)
        experience_actions.add_slot(
            self.alice, experience, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=5
        )
        return experience


@pytest.fixture
def maker(cms_site, alice):
    return Maker(alice)


def in_language(page, code):
    """The page's URL in another language (cms_site makes every language's township pages)."""
    from wagtail.models import Page

    return Page.objects.get(translation_key=page.translation_key, locale__language_code=code).url


def english(page):
    return in_language(page, "en")


def test_the_page_shows_organisations_open_requests_and_what_is_coming_up(client, maker):
    university = maker.organisation(kind=Organisation.Kind.UNIVERSITY)
    elsewhere = account_actions.create_organisation(
        maker.alice,
        kind=Organisation.Kind.FOUNDATION,
        name="他鄉基金會",
        township=Township.objects.get(code="10014030"),
    )
    wanted = maker.help_request()
    closed = maker.help_request(title="已關閉的請求")
    people_actions.close_help_request(maker.alice, closed)
    tea = maker.experience()
    shift = maker.experience(kind=Experience.Kind.VOLUNTEERING)
    draft = maker.experience()
    Experience.objects.filter(pk=draft.pk).update(is_published=False)

    page = client.get(english(maker.page)).text
    assert "Township office and associations" in page
    assert page.index("竹山鎮公所") < page.index(university.name)  # the township office first
    assert reverse("people:organisation", kwargs={"slug": university.slug}).split("/", 2)[2] in page
    assert elsewhere.name not in page
    assert "Help wanted here" in page and wanted.title in page and closed.title not in page
    assert "Experiences, events and volunteering here" in page
    assert "Tea picking" in page and f"/experiences/{tea.pk}/" in page and f"/experiences/{shift.pk}/" in page
    assert "Volunteering" in page and f"/experiences/{draft.pk}/" not in page
    assert f"?township={ZHUSHAN}" in page


def test_empty_sections_say_what_to_do_next_in_each_language(client, cms_site):
    page = township_page_for(Township.objects.get(code=ZHUSHAN))
    english_page = client.get(english(page)).text
    assert "No township office or association is on Homeward here yet." in english_page
    assert reverse("organisations:create").split("/", 2)[2] in english_page
    assert "No open help request here." in english_page
    assert reverse("people:profile_edit").split("/", 2)[2] in english_page
    assert "Nothing coming up here yet." in english_page
    assert reverse("experiences:manage_list").split("/", 2)[2] in english_page
    chinese = client.get(page.url).text
    assert "這裡還沒有公所或協會加入 Homeward。" in chinese and "這裡還沒有即將舉辦的活動。" in chinese
    japanese = client.get(in_language(page, "ja")).text
    assert "このまちで予定されている体験はまだありません。" in japanese


def test_the_township_page_query_count_does_not_grow_with_its_sections(client, maker):
    def build(n):
        for number in range(n):
            maker.organisation()
            maker.help_request()
            maker.experience(days=2 + number % 20)

    grow(build, client, lambda: maker.page.url)


def test_a_section_is_registered_by_an_app_above_and_may_leave_itself_out(client, maker):
    keys = [section.key for section in registered_sections()]
    assert keys[:3] == ["people.organisations", "people.help_requests", "experiences.coming_up"]
    register_township_section(
        "tests.nothing", order=1, template="people/township/organisations.html", context=lambda township, request: None
    )
    try:
        page = client.get(english(maker.page)).text
        assert page.count("Township office and associations") == 1
    finally:
        unregister_township_section("tests.nothing")
