"""Demo people and help requests (marked as demo content), loaded by `manage.py load_demo_people` (make run).

Running it again changes nothing. The team login (team@homeward.test) is made a member of the Kouhu township
office, so it sees the people ranked for the office's requests; expert@homeward.test signs in as the demo expert
and sees the requests ranked for them.
"""

import datetime

from django.db import transaction
from django.utils import timezone

DEMO_EXPERT_EMAIL = "expert@homeward.test"
DEMO_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)

PEOPLE = [
    # email, display name, kind, headline, fields, home township code, served codes, format, pro bono, fee
    (
        DEMO_EXPERT_EMAIL,
        "陳水產老師（示範）",
        "expert",
        "水產養殖與水質監測顧問，退休前任職水產試驗所",
        ["farm_fishery", "technology"],
        "10009190",
        ["10009190", "10009200"],
        "either",
        True,
        "",
    ),
    (
        "retiree@homeward.test",
        "林校長（示範）",
        "retiree",
        "退休校長，協助食農教育與社區課程設計",
        ["management", "creative"],
        "10014030",
        ["10014030"],
        "on_site",
        True,
        "",
    ),
    (
        "designer@homeward.test",
        "返鄉設計師小吳（示範）",
        "returning_youth",
        "包裝與品牌設計，熟悉電商上架",
        ["creative", "marketing"],
        "10008040",
        ["10008040", "10009190"],
        "remote",
        False,
        "每小時 NT$1,200",
    ),
    (
        "civil@homeward.test",
        "黃專員（示範）",
        "civil_servant",
        "農業部借調人員，協助產銷履歷與食品安全驗證",
        ["farm_fishery", "management"],
        "10009190",
        [],
        "either",
        True,
        "",
    ),
]

REQUESTS = [
    (
        "魚塭水質感測器建置（示範）",
        "需要協助在三個魚塭裝設溶氧與水溫感測器，並設定警示。",
        "technology",
        "remote",
        None,
        True,
    ),
    (
        "養殖漁產的食品安全驗證（示範）",
        "準備申請產銷履歷，需要有經驗的人協助整理文件。",
        "farm_fishery",
        "either",
        30000,
        False,
    ),
    ("地方特產包裝設計（示範）", "為烏魚子禮盒設計新包裝，並協助上架電商平台。", "creative", "remote", 50000, False),
]


@transaction.atomic
def ensure_demo_people():
    """Returns how many profiles and requests were created."""
    from allauth.account.models import EmailAddress

    from accounts.demo import ensure_demo_township_office
    from accounts.models import User
    from marketplace.demo import ensure_team_login
    from people.models import HelpRequest, TalentProfile, join_codes
    from places.models import Township

    created = 0
    for email, name, kind, headline, fields, home, served, work_format, pro_bono, fee in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if TalentProfile.objects.filter(user=user).exists():
            continue
        profile = TalentProfile.objects.create(
            user=user,
            kind=kind,
            headline=headline,
            fields=join_codes(fields),
            languages=join_codes(["zh", "nan"]),
            home_township=Township.objects.filter(code=home).first(),
            work_format=work_format,
            hours_per_month=10,
            pro_bono=pro_bono,
            fee_note=fee,
            visibility="public",
            contact_email=email,
        )
        profile.townships.set(Township.objects.filter(code__in=served))
        created += 1

    kouhu = Township.objects.filter(code="10009190").select_related("county").first()
    if kouhu is None:
        return created
    team_user = ensure_team_login()
    office = ensure_demo_township_office(kouhu, team_user)
    start = timezone.localdate() + datetime.timedelta(days=14)
    for title, description, field, work_format, budget, pro_bono in REQUESTS:
        _request, made = HelpRequest.objects.get_or_create(
            organisation=office,
            title=title,
            defaults={
                "created_by": team_user,
                "description": description,
                "field": field,
                "township": kouhu,
                "work_format": work_format,
                "starts_on": start,
                "ends_on": start + datetime.timedelta(days=120),
                "budget_twd": budget,
                "pro_bono": pro_bono,
            },
        )
        created += made
    return created
