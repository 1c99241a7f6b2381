"""Demo plans at every stage, written through the actions (so each has its real timeline), then dated back.

Logins: the township offices' member `office@homeward.test`, the county governments' member `county@homeward.test`
(both `homeward-demo`); national review is the demo staff login. Amounts are demo figures, marked as such.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from accounts.demo import ensure_demo_township_office
from accounts.models import Membership, Organisation, Role, User
from cms.models import ProjectPage, Sector, SupportProgramme
from places.models import Township
from plans import actions
from plans.models import FundingSource, Plan, Stage, earliest_meeting_day

DEMO_OFFICE_EMAIL = "office@homeward.test"
DEMO_COUNTY_EMAIL = "county@homeward.test"
DEMO_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)
M = 1_000_000
S = FundingSource

# (township code, title, project title, sectors, final stage, days since it started, funding [(source, planned,
# matched, programme index or company slug)], vision, local DNA)
DEMO_PLANS = [
    (
        "10013130",
        "可可產業鏈在地化計畫（示範）",
        "屏東可可共同發酵場",
        ["agriculture"],
        Stage.REPORTING,
        700,
        [
            (S.MINISTRY_PROGRAMME, 14 * M, 13 * M, 0),
            (S.LOCAL_GOVERNMENT, 6 * M, 6 * M, None),
            (S.DEVELOPMENT_FUND, 10 * M, 10 * M, None),
            (S.PRIVATE_INVESTMENT, 34 * M, 33 * M, 0),
            (S.CITIZEN_BACKING, 4 * M, 4 * M, None),
        ],
        "以可可取代檳榔，把發酵、烘焙與巧克力製作留在鄉內，十年內創造八十個青年工作機會。",
        "溫暖的氣候、轉作的農民與得獎的巧克力職人；可可園也讓坡地水土保持更好。",
    ),
    (
        "10009190",
        "智慧養殖返鄉計畫（示範）",
        "口湖智慧魚塭示範場",
        ["aquaculture"],
        Stage.MATCHED,
        420,
        [
            (S.MINISTRY_PROGRAMME, 9 * M, 9 * M, 1),
            (S.LOCAL_GOVERNMENT, 3 * M, 3 * M, None),
            (S.DEVELOPMENT_FUND, 6 * M, 6 * M, None),
            (S.CREDIT_GUARANTEE, 3 * M, 1 * M, None),
            (S.PRIVATE_INVESTMENT, 24 * M, 22 * M, 1),
            (S.CITIZEN_BACKING, 2 * M, 2 * M, None),
        ],
        "以感測器與共享加工場讓魚塭減災增產，吸引青年回到口湖養殖。",
        "沿海魚塭、烏魚子與文蛤；地層下陷與颱風是共同的課題。",
    ),
    (
        "67000100",
        "菱角循環經濟計畫（示範）",
        "官田菱殼炭工坊",
        ["agriculture", "circular"],
        Stage.NATIONAL_REVIEW,
        260,
        [
            (S.MINISTRY_PROGRAMME, 8 * M, None, 2),
            (S.LOCAL_GOVERNMENT, 2 * M, None, None),
            (S.PRIVATE_INVESTMENT, 10 * M, None, 2),
        ],
        "把菱角殼變成炭與生活用品，讓菱角田成為水雉與產業共生的地方。",
        "菱角田、水雉與烏山頭水庫的灌溉；菱殼炭是老師傅的手藝。",
    ),
    (
        "65000090",
        "茶山體驗教育計畫（示範）",
        "三峽茶園體驗學校",
        ["tourism", "education"],
        Stage.REVISED,
        200,
        [
            (S.MINISTRY_PROGRAMME, 5 * M, None, 0),
            (S.LOCAL_GOVERNMENT, 2 * M, None, None),
            (S.CITIZEN_BACKING, 1 * M, None, None),
        ],
        "讓城市的孩子到茶山上課，以體驗教育留住年輕的製茶人。",
        "碧螺春與蜜香紅茶、老街與藍染；茶園就在都會旁。",
    ),
    (
        "10002060",
        "田間教室與食農教育計畫（示範）",
        "壯圍田間教室",
        ["education", "agriculture"],
        Stage.COUNTY_REVIEW,
        60,
        [
            (S.MINISTRY_PROGRAMME, 3 * M, None, 2),
            (S.LOCAL_GOVERNMENT, 1 * M, None, None),
            (S.CITIZEN_BACKING, 1 * M, None, None),
        ],
        "以田間教室串起小農、學校與旅人，讓食農教育成為鄉的產業。",
        "沙丘、哈密瓜與蘭陽平原的稻田。",
    ),
    (
        "10008040",
        "竹山竹產業再生計畫（示範草稿）",
        None,
        ["crafts"],
        Stage.DRAFT,
        10,
        [],
        "",
        "",
    ),
]


# The demo plans' English and Japanese text, by Chinese title: (title, vision, local DNA) per language.
DEMO_TRANSLATIONS = {
    "可可產業鏈在地化計畫（示範）": {
        "en": (
            "Keeping the cocoa value chain local (demo)",
            "Replace betel nut with cocoa and keep fermenting, roasting and chocolate making in the township, creating "
            "eighty jobs for young people within ten years.",
            "A warm climate, farmers who switched crops and award-winning chocolate makers; cocoa orchards also hold "
            "the soil on the slopes better.",
        ),
        "ja": (
            "カカオ産業チェーン地域化計画（デモ）",
            "ビンロウをカカオに転作し、発酵・焙煎・チョコレート製造を町の中に残して、十年で若者の仕事を八十生み出す。",
            "温暖な気候、転作した農家、受賞歴のあるチョコレート職人。カカオ園は斜面の土壌保全にも役立つ。",
        ),
    },
    "智慧養殖返鄉計畫（示範）": {
        "en": (
            "Smart aquaculture for returning youth (demo)",
            "Sensors and a shared processing plant make the fish farms safer and more productive, drawing young people "
            "back to Kouhu to farm fish.",
            "Coastal fish farms, mullet roe and clams; land subsidence and typhoons are problems everyone shares.",
        ),
        "ja": (
            "スマート養殖Uターン計画（デモ）",
            "センサーと共同加工場で養殖池の被害を減らし生産を高め、若者を口湖の養殖に呼び戻す。",
            "沿岸の養殖池、カラスミとハマグリ。地盤沈下と台風が共通の課題。",
        ),
    },
    "菱角循環經濟計畫（示範）": {
        "en": (
            "A circular economy of water caltrops (demo)",
            "Turn water caltrop shells into charcoal and household goods, so that the caltrop fields are a place where "
            "pheasant-tailed jacanas and industry live together.",
            "Caltrop fields, pheasant-tailed jacanas and the irrigation of the Wushantou reservoir; shell charcoal is "
            "the craft of old masters.",
        ),
        "ja": (
            "ヒシの循環経済計画（デモ）",
            "ヒシの殻を炭や生活用品に変え、ヒシ畑をレンカクと産業が共に生きる場所にする。",
            "ヒシ畑、レンカク、烏山頭ダムの灌漑。ヒシ殻炭は老職人の技。",
        ),
    },
    "茶山體驗教育計畫（示範）": {
        "en": (
            "Learning on the tea hills (demo)",
            "Bring city children to lessons on the tea hills, and keep young tea makers here through experience-based "
            "education.",
            "Biluochun and honey-scented black tea, the old street and indigo dyeing; the tea gardens are next to the "
            "city.",
        ),
        "ja": (
            "茶山体験教育計画（デモ）",
            "都会の子どもたちが茶山で学ぶ体験教育によって、若い製茶職人を地域に引き留める。",
            "碧螺春と蜜香紅茶、老街と藍染め。茶園は都市のすぐそばにある。",
        ),
    },
    "田間教室與食農教育計畫（示範）": {
        "en": (
            "Field classrooms and food education (demo)",
            "Field classrooms connect small farmers, schools and travellers, so that food and farming education "
            "becomes an industry of the township.",
            "Sand dunes, cantaloupes and the rice fields of the Lanyang plain.",
        ),
        "ja": (
            "田んぼの教室と食農教育計画（デモ）",
            "田んぼの教室で小規模農家、学校、旅行者をつなぎ、食農教育を町の産業にする。",
            "砂丘、メロン、蘭陽平野の田んぼ。",
        ),
    },
    "竹山竹產業再生計畫（示範草稿）": {
        "en": ("Reviving Zhushan's bamboo industry (demo draft)", "", ""),
        "ja": ("竹山竹産業再生計画（デモ下書き）", "", ""),
    },
}


def ensure_demo_plan_translations():
    """Fill the English and Japanese text of the demo plans where it is empty (staff edits are kept); returns how
    many plans changed. Written straight to the rows: translations are no step of the plan's workflow."""
    changed = 0
    for plan in Plan.objects.filter(is_demo=True, title__in=DEMO_TRANSLATIONS):
        updates = {}
        for language, texts in DEMO_TRANSLATIONS[plan.title].items():
            for field, text in zip(("title", "vision", "local_dna"), texts, strict=True):
                name = f"{field}_{language}"
                if text and not getattr(plan, name):
                    updates[name] = text
        if updates:
            Plan.objects.filter(pk=plan.pk).update(**updates)
            changed += 1
    return changed


def _login(email, name):
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _organisation(kind, slug, name, user, **places):
    organisation, _made = Organisation.objects.get_or_create(
        slug=slug, defaults={"kind": kind, "name": name, "verified_at": timezone.now(), **places}
    )
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.ADMIN})
    return organisation


def _reviewer():
    return User.objects.filter(is_superuser=True).order_by("pk").first()


@transaction.atomic
def ensure_demo_plans():
    """Create the demo plans that are missing; returns how many were made."""
    if Plan.objects.filter(is_demo=True).exists():
        ensure_demo_plan_translations()
        return 0
    office_user = _login(DEMO_OFFICE_EMAIL, "示範鄉公所承辦")
    county_user = _login(DEMO_COUNTY_EMAIL, "示範縣府審查")
    reviewer = _reviewer()
    programmes = list(SupportProgramme.objects.order_by("pk"))
    companies = list(Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("pk"))
    default_locale = Locale.get_default()
    made = 0
    for code, title, project_title, sector_slugs, stage, days, funding, vision, dna in DEMO_PLANS:
        township = Township.objects.select_related("county").filter(code=code).first()
        projects = ProjectPage.objects.filter(title=project_title, locale=default_locale) if project_title else []
        if township is None or (project_title and not projects):
            continue  # the demo projects come from load_demo: without them a plan could not be submitted
        office = ensure_demo_township_office(township, office_user)
        _organisation(
            Organisation.Kind.COUNTY_GOVERNMENT,
            f"demo-county-{township.county.code}",
            f"{township.county.name_zh}政府（示範）",
            county_user,
            county=township.county,
        )
        plan = actions.create_plan(office_user, office, title=title)
        plan.is_demo = True
        plan.save(update_fields=["is_demo"])
        lines = []
        for source, planned, _matched, ref in funding:
            line = {"source": source, "planned_twd": planned, "note": "示範金額"}
            if source == S.MINISTRY_PROGRAMME and programmes:
                line["programme"] = programmes[ref % len(programmes)]
            if source == S.PRIVATE_INVESTMENT and companies:
                line["company"] = companies[ref % len(companies)]
            lines.append(line)
        # Without a programme in the catalogue a ministry line cannot be written: leave it out.
        lines = [line for line in lines if line["source"] != S.MINISTRY_PROGRAMME or "programme" in line]
        start = timezone.localdate() - timedelta(days=days)
        actions.save_plan(
            office_user,
            plan,
            title=title,
            vision=vision,
            local_dna=dna,
            total_twd=sum(line["planned_twd"] for line in lines),
            sectors=Sector.objects.filter(slug__in=sector_slugs),
            projects=projects,
            funding=lines,
            milestones=[
                {"title": "完成地方共識營", "due": start + timedelta(days=60), "done": days > 60},
                {"title": "共同加工場啟用", "due": start + timedelta(days=400), "done": days > 400},
                {"title": "青年進駐二十人", "due": start + timedelta(days=900)},
            ]
            if vision
            else [],
        )
        made += 1
        if stage == Stage.DRAFT:
            _date_back(plan, days)
            continue
        actions.submit_plan(office_user, plan)
        if stage != Stage.COUNTY_REVIEW:
            actions.county_forward(county_user, plan, comment="縣府支持，建議加強青年培力的說明。")
            actions.record_meeting(
                reviewer,
                plan,
                # A third of the way in, or as far back as a meeting may be recorded (an older plan's meeting
                # is shown as held then): the demo goes through the same action as staff.
                held_on=max(start + timedelta(days=days // 3), earliest_meeting_day()),
                attendees="國發會、農業部、經濟部、縣府、鄉公所、專家學者",
                minutes="現地訪視後討論產業鏈與資金結構。",
                revisions=[
                    ("funding", "請說明民間投資的承諾程度與時程。"),
                    ("milestones", "請把青年進駐的目標分年列出。"),
                ],
            )
            if stage != Stage.NATIONAL_REVIEW:
                actions.send_revision(office_user, plan, comment="已補充投資意向書與分年目標。")
            if stage in (Stage.MATCHED, Stage.IN_PROGRESS, Stage.REPORTING):
                confirmed = {
                    line.pk: matched
                    for line, (_s, _p, matched, _r) in zip(plan.funding.order_by("pk"), funding, strict=False)
                }
                actions.match_resources(reviewer, plan, confirmed=confirmed)
            if stage in (Stage.IN_PROGRESS, Stage.REPORTING):
                actions.start_work(office_user, plan)
            if stage == Stage.REPORTING:
                actions.file_report(
                    office_user,
                    plan,
                    year=timezone.localdate().year - 1,
                    summary="共同發酵場啟用，十二位青年返鄉投入可可加工。",
                )
        _date_back(plan, days)
    ensure_demo_plan_translations()
    return made


def _date_back(plan, days):
    """Spread the timeline over the plan's life: the first step `days` ago, the last one a fraction before now."""
    events = list(plan.events.order_by("pk"))
    now = timezone.now()
    first = now - timedelta(days=days)
    last_gap = timedelta(days=max(days // 6, 1))
    span = (now - last_gap) - first
    for index, event in enumerate(events):
        fraction = index / max(len(events) - 1, 1)
        event.at = first + span * fraction
    type(events[0]).objects.bulk_update(events, ["at"])
    plan.stage_changed_at = events[-1].at
    plan.save(update_fields=["stage_changed_at"])
