"""The small marketplace world: a company with ties, an enterprise team, published projects with listings."""

import datetime

from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Organisation, Role
from cms.actions import ensure_project_review_workflow, ensure_township_pages, township_page_for
from cms.models import ProjectPage, ProjectUpdate, Sector, SustainableDevelopmentGoal
from marketplace.models import CompanyProfile, EnterpriseProfile, HometownTie, ProjectListing
from places.models import Township
from tests.factories.accounts import UserFactory

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
# 竹山鎮 (南投縣), 關山鎮 (臺東縣, a priority area here), 口湖鄉 (雲林縣)
ZHUSHAN, GUANSHAN, KOUHU = "10008040", "10014030", "10009190"
MEINONG = "64000310"  # 高雄市美濃區: Kaohsiung borders Taitung


def township(code):
    return Township.objects.select_related("county").get(code=code)


def publish_project(code, title, *, published=None, sector=None, sdgs=(), updates=()):
    parent = township_page_for(township(code))
    slug = f"p-{ProjectPage.objects.count()}"
    project = parent.add_child(instance=ProjectPage(title=title, slug=slug, sector=sector))
    project.sdgs.set(sdgs)
    project.save_revision().publish()
    for number, date in enumerate(updates):
        ProjectUpdate.objects.create(project=project, date=date, title=f"update {number}", body="<p>news</p>")
    if published is not None:
        ProjectPage.objects.filter(pk=project.pk).update(first_published_at=published)
        project.refresh_from_db()
    return project


def build_market():
    """The small world the matching, pipeline and permission tests share. Returns a dict of its objects."""
    ensure_project_review_workflow()
    ensure_township_pages(codes=[ZHUSHAN, GUANSHAN, KOUHU])
    Township.objects.filter(code=GUANSHAN).update(is_priority_area=True)
    agriculture = Sector.objects.create(slug="test-agri", name_zh="農業", name_en="Agriculture", name_ja="農業")
    crafts = Sector.objects.create(slug="test-crafts", name_zh="工藝", name_en="Crafts", name_ja="工芸")
    sdg2, sdg12 = SustainableDevelopmentGoal.objects.get(number=2), SustainableDevelopmentGoal.objects.get(number=12)

    carol = UserFactory(email="carol@example.tw", display_name="Carol")  # company admin
    dave = UserFactory(email="dave@example.tw", display_name="Dave")  # company member
    erin = UserFactory(email="erin@example.tw", display_name="Erin")  # enterprise owner
    company_org = account_actions.create_organisation(carol, kind=Organisation.Kind.COMPANY, name="台灣好公司")
    company_org.memberships.create(user=dave, role=Role.MEMBER)
    company = CompanyProfile.objects.create(
        organisation=company_org,
        unified_business_number="22099131",
        size=CompanyProfile.Size.MEDIUM,
        ticket_min_twd=1_000_000,
        ticket_max_twd=5_000_000,
    )
    company.sectors_of_interest.set([agriculture])
    company.sdg_focus.set([sdg2, sdg12])
    HometownTie.objects.create(company=company, kind=HometownTie.Kind.FOUNDER, township=township(ZHUSHAN))
    HometownTie.objects.create(company=company, kind=HometownTie.Kind.HEADQUARTERS, township=township("10008070"))
    HometownTie.objects.create(
        company=company, kind=HometownTie.Kind.EMPLOYEES, township=township(MEINONG), employee_count=3
    )

    enterprise_org = account_actions.create_organisation(erin, kind=Organisation.Kind.ENTERPRISE, name="關山米食堂")
    enterprise = EnterpriseProfile.objects.create(organisation=enterprise_org, township=township(GUANSHAN))

    bamboo = publish_project(ZHUSHAN, "竹山竹藝", published=NOW - datetime.timedelta(days=200), sector=agriculture)
    rice = publish_project(GUANSHAN, "關山米", published=NOW - datetime.timedelta(days=18), sector=crafts, sdgs=[sdg12])
    ProjectListing.objects.create(
        project=rice,
        enterprise=enterprise,
        seeks_investment=True,
        ask_min_twd=500_000,
        ask_max_twd=2_000_000,
        instrument=ProjectListing.Instrument.EQUITY,
    )
    oysters = publish_project(
        KOUHU,
        "口湖蚵仔",
        published=NOW - datetime.timedelta(days=400),
        updates=[datetime.date(2026, 11, 1), datetime.date(2026, 10, 1), datetime.date(2025, 1, 1)],
    )
    draft_parent = township_page_for(township(ZHUSHAN))
    draft = draft_parent.add_child(instance=ProjectPage(title="竹山草稿", slug="draft", live=False, sector=agriculture))
    return {
        "carol": carol,
        "dave": dave,
        "erin": erin,
        "company_org": company_org,
        "company": company,
        "enterprise_org": enterprise_org,
        "enterprise": enterprise,
        "bamboo": bamboo,
        "rice": rice,
        "oysters": oysters,
        "draft": draft,
        "now": timezone.now(),
    }


def accepted_conversation(market):
    """Dave (company member) expresses interest in 關山米; Erin (its team) accepts: the conversation opens."""
    from marketplace import actions

    interest = actions.express_interest(market["dave"], market["company"], market["rice"], message="你好")
    actions.advance_interest(market["erin"], interest, "accepted")
    interest.refresh_from_db()
    return interest.conversation
