"""Demo enterprises for `manage.py load_demo`: a team behind each demo project, each kind of funding shown.

Idempotent: an organisation, profile, listing or offer that exists is left as it is. Called by cms's
load_demo command after cms.demo.ensure_demo_pages() has made the demo projects.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from marketplace.models import DonationCampaign, EnterpriseProfile, ProjectListing, SubscriptionPlan

# The demo team login (printed by make run): an editor of the demo teams whose traces (traceability.demo) and company
# interests (marketplace.demo_commitments) the demo writes.
DEMO_TEAM_EMAIL = "team@homeward.test"
DEMO_TEAM_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)

# project title → (organisation slug, name, founded, team, returned home, summary, funding)
DEMO_ENTERPRISES = {
    "屏東可可共同發酵場": (
        "demo-pingtung-cocoa",
        "屏東可可合作社（示範）",
        2016,
        8,
        5,
        "返鄉青年與在地農友一起發酵、烘焙屏東可可。",
        {"subscription": ("認養一棵可可樹", 500, "month", "每季一包自家發酵可可豆與產季報告", 200, [10, 11, 12, 1, 2])},
    ),
    "口湖智慧魚塭示範場": (
        "demo-kouhu-fishponds",
        "口湖智慧養殖團隊（示範）",
        2019,
        5,
        3,
        "以感測器與省電打氣，讓地層下陷區的魚塭更省水省電。",
        {"investment": (3_000_000, 8_000_000, "revenue_share", "prototype", "擴建三處示範魚塭的感測與省電設備。")},
    ),
    "官田菱殼炭工坊": (
        "demo-guantian-caltrop",
        "官田菱殼炭工坊（示範）",
        2014,
        6,
        4,
        "把菱角殼燒成炭，減少露天燃燒，做成生活用品。",
        {"donation": (300_000, 60, "all_or_nothing", [300, 500, 1000])},
    ),
    "三峽茶園體驗學校": (
        "demo-sanxia-tea-school",
        "三峽茶園學校（示範）",
        2018,
        4,
        2,
        "在茶園裡上課：採茶、製茶與山坡地保育。",
        {"donation": (150_000, 90, "keep_what_you_raise", [200, 500])},
    ),
    "壯圍田間教室": (
        "demo-zhuangwei-field-class",
        "壯圍田間教室（示範）",
        2020,
        3,
        3,
        "帶孩子下田，認識蘭陽平原的水與土。",
        {
            "subscription": ("田間教室年度會員", 3000, "year", "全年四次親子田間課程", None, []),
            "investment": (500_000, 1_000_000, "loan", "early_revenue", "整修倉庫作為雨天教室。"),
            # The one demo project offering all three ways to back.
            "donation": (120_000, 45, "keep_what_you_raise", [300, 1000, 3000]),
        },
    ),
}

# The teams' own English and Japanese versions of their profile (organisation slug → texts), filled in where empty,
# and of their subscription plans (plan name → texts).
DEMO_ENTERPRISE_TRANSLATIONS = {
    "demo-pingtung-cocoa": {
        "name_en": "Pingtung Cocoa Cooperative (demo)",
        "summary_en": "Young people back home and local growers ferment and roast Pingtung cocoa together.",
        "name_ja": "屏東カカオ協同組合（デモ）",
        "summary_ja": "Uターンした若者と地元の農家が、屏東のカカオを一緒に発酵・焙煎しています。",
    },
    "demo-kouhu-fishponds": {
        "name_en": "Kouhu Smart Aquaculture Team (demo)",
        "summary_en": "Sensors and low-power aerators help fish ponds on sinking land use less water and electricity.",
        "name_ja": "口湖スマート養殖チーム（デモ）",
        "summary_ja": "センサーと省電力の曝気装置で、地盤沈下地域の養殖池の水と電気を節約します。",
    },
    "demo-guantian-caltrop": {
        "name_en": "Guantian Water Caltrop Charcoal Workshop (demo)",
        "summary_en": "We turn water caltrop shells into charcoal for everyday goods, rather than burn them outdoors.",
        "name_ja": "官田ヒシ殻炭工房（デモ）",
        "summary_ja": "ヒシの殻を野焼きせずに炭にして、暮らしの道具に生まれ変わらせています。",
    },
    "demo-sanxia-tea-school": {
        "name_en": "Sanxia Tea Garden School (demo)",
        "summary_en": "Lessons in the tea garden: picking and making tea, and caring for the hillside.",
        "name_ja": "三峡茶園スクール（デモ）",
        "summary_ja": "茶園が教室です。茶摘み、製茶、そして山の斜面の保全を学びます。",
    },
    "demo-zhuangwei-field-class": {
        "name_en": "Zhuangwei Field Classroom (demo)",
        "summary_en": "We take children into the fields to learn about the water and soil of the Lanyang Plain.",
        "name_ja": "壮囲たんぼ教室（デモ）",
        "summary_ja": "子どもたちと田んぼに入り、蘭陽平野の水と土について学びます。",
    },
}
DEMO_PLAN_TRANSLATIONS = {
    "認養一棵可可樹": {
        "name_en": "Adopt a cocoa tree",
        "rewards_en": "A bag of our own fermented cocoa beans and a harvest report every season",
        "name_ja": "カカオの木の里親になる",
        "rewards_ja": "自家発酵のカカオ豆ひと袋と収穫レポートを季節ごとにお届け",
    },
    "田間教室年度會員": {
        "name_en": "Field Classroom annual membership",
        "rewards_en": "Four family lessons in the fields through the year",
        "name_ja": "たんぼ教室 年間会員",
        "rewards_ja": "親子で参加できる田んぼの授業を年4回",
    },
}

# The investment asks' use of funds (organisation slug → texts).
DEMO_USE_OF_FUNDS_TRANSLATIONS = {
    "demo-kouhu-fishponds": {
        "use_of_funds_en": "Sensors and power-saving equipment for three more demonstration ponds.",
        "use_of_funds_ja": "実証用の養殖池3か所にセンサーと省電力設備を広げます。",
    },
    "demo-zhuangwei-field-class": {
        "use_of_funds_en": "Renovating a warehouse into a classroom for rainy days.",
        "use_of_funds_ja": "倉庫を改装して、雨の日の教室にします。",
    },
}


def fill_demo_translations():
    """Give the demo profiles, investment asks and plans their English and Japanese texts where still empty."""
    for slug, texts in DEMO_ENTERPRISE_TRANSLATIONS.items():
        profile = EnterpriseProfile.objects.filter(organisation__slug=slug).first()
        if profile is not None:
            _fill(profile, texts)
    for slug, texts in DEMO_USE_OF_FUNDS_TRANSLATIONS.items():
        for listing in ProjectListing.objects.filter(enterprise__organisation__slug=slug, seeks_investment=True):
            _fill(listing, texts)
    for name, texts in DEMO_PLAN_TRANSLATIONS.items():
        for plan in SubscriptionPlan.objects.filter(
            name=name, listing__enterprise__organisation__slug__startswith="demo-"
        ):
            _fill(plan, texts)


def _fill(instance, texts):
    empty = {name: text for name, text in texts.items() if not getattr(instance, name)}
    if empty:
        for name, text in empty.items():
            setattr(instance, name, text)
        instance.save(update_fields=list(empty))


@transaction.atomic
def ensure_demo_enterprises():
    """Returns how many demo listings were created."""
    from cms.models import ProjectPage

    created = 0
    for title, (slug, name, founded, team, home, summary, funding) in DEMO_ENTERPRISES.items():
        project = ProjectPage.objects.filter(title=title, is_demo=True).select_related("township").first()
        if project is None:
            continue
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": Organisation.Kind.ENTERPRISE}
        )
        profile, made = EnterpriseProfile.objects.get_or_create(
            organisation=organisation,
            defaults={
                "township": project.township,
                "founded_year": founded,
                "team_size": team,
                "members_returned_home": home,
                "summary": summary,
                "verified_at": timezone.now(),
            },
        )
        if made and project.sector_id:
            profile.sectors.add(project.sector_id)
        if ProjectListing.objects.filter(project=project).exists():
            continue
        listing = ProjectListing(project=project, enterprise=profile)
        if "investment" in funding:
            low, high, instrument, stage, use = funding["investment"]
            listing.seeks_investment = True
            listing.ask_min_twd, listing.ask_max_twd = low, high
            listing.instrument, listing.stage, listing.use_of_funds = instrument, stage, use
        listing.full_clean()
        listing.save()
        if "subscription" in funding:
            plan_name, price, interval, rewards, cap, months = funding["subscription"]
            SubscriptionPlan.objects.create(
                listing=listing,
                name=plan_name,
                price_twd=price,
                interval=interval,
                rewards=rewards,
                max_backers=cap,
                season_months=months,
            )
        if "donation" in funding:
            goal, days, model, amounts = funding["donation"]
            DonationCampaign.objects.create(
                listing=listing,
                goal_twd=goal,
                deadline=timezone.localdate() + datetime.timedelta(days=days),
                funding_model=model,
                suggested_amounts_twd=amounts,
            )
        created += 1
    fill_demo_translations()
    return created


def ensure_team_login():
    """The demo team login (created once). Returns the user."""
    from allauth.account.models import EmailAddress

    from accounts.models import User

    user = User.objects.filter(email=DEMO_TEAM_EMAIL).first()
    if user is None:
        user = User.objects.create_user(DEMO_TEAM_EMAIL, DEMO_TEAM_PASSWORD, display_name="示範團隊成員")
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def join_demo_team(user, listing):
    """Make `user` an editor of the team behind `listing` (a membership that exists is left as it is)."""
    from accounts.models import Membership, Role

    Membership.objects.get_or_create(
        user=user, organisation=listing.enterprise.organisation, defaults={"role": Role.EDITOR}
    )
