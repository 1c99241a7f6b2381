"""Six demo companies with hometown ties, so that a demo company member sees explained matches.

Called by `manage.py load_demo` (cms) after the demo projects exist; only what is missing is created.
The unified business numbers are fictional numbers that pass the checksum (900…); the names are invented.
Sign in as DEMO_COMPANY_EMAIL / DEMO_COMPANY_PASSWORD: admin of the first company, member of the others.
"""

from django.db import transaction

from accounts.models import Membership, Organisation, Role, User

DEMO_COMPANY_EMAIL = "company@homeward.test"
DEMO_COMPANY_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)

# name, slug, 統一編號, size, sectors, SDGs, ticket range, discoverable, ties: (kind, town code, employees)
DEMO_COMPANIES = [
    (
        "南方好食股份有限公司（示範）",
        "demo-southern-foods",
        "90100000",
        "large",
        ["agriculture"],
        [2, 12],
        (200_000, 1_000_000),
        True,
        [("founder", "10013130", 0), ("headquarters", "64000010", 0), ("employees", "10013010", 12)],
    ),
    (
        "海線科技股份有限公司（示範）",
        "demo-coastline-tech",
        "90100005",
        "medium",
        ["aquaculture"],
        [14, 9],
        (500_000, 3_000_000),
        True,
        [("founder", "10009190", 0), ("plant", "10009010", 0)],
    ),
    (
        "府城循環材料有限公司（示範）",
        "demo-tainan-circular",
        "90100011",
        "small",
        ["circular"],
        [12, 13],
        (100_000, 500_000),
        False,
        [("headquarters", "67000010", 0), ("employees", "67000100", 4)],
    ),
    (
        "北城茶飲股份有限公司（示範）",
        "demo-taipei-tea",
        "90100016",
        "large",
        ["tourism", "agriculture"],
        [8],
        (300_000, 2_000_000),
        True,
        [("headquarters", "63000010", 0), ("founder", "65000090", 0)],
    ),
    (
        "蘭陽教育科技有限公司（示範）",
        "demo-lanyang-edtech",
        "90100022",
        "micro",
        ["education"],
        [4],
        (50_000, 300_000),
        True,
        [("founder", "10002060", 0)],
    ),
    (
        "中台灣精密工業股份有限公司（示範）",
        "demo-central-precision",
        "90100027",
        "large",
        ["crafts"],
        [8, 9],
        (1_000_000, 5_000_000),
        False,
        [("headquarters", "66000010", 0), ("plant", "10008040", 0), ("employees", "10008010", 25)],
    ),
]


@transaction.atomic
def ensure_demo_companies():
    """Create what is missing of the demo companies and the demo company login. Returns how many companies were made."""
    from allauth.account.models import EmailAddress

    from cms.models import Sector, SustainableDevelopmentGoal
    from marketplace.models import CompanyProfile, HometownTie
    from places.models import Township

    user = User.objects.filter(email=DEMO_COMPANY_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            DEMO_COMPANY_EMAIL, DEMO_COMPANY_PASSWORD, display_name="示範企業成員", notify_recommendations=True
        )
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    created = 0
    for index, (name, slug, number, size, sectors, sdgs, (low, high), discoverable, ties) in enumerate(DEMO_COMPANIES):
        organisation, made = Organisation.objects.get_or_create(
            slug=slug, defaults={"kind": Organisation.Kind.COMPANY, "name": name}
        )
        if not made:
            continue
        created += 1
        Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN if index == 0 else Role.MEMBER)
        profile = CompanyProfile.objects.create(
            organisation=organisation,
            unified_business_number=number,
            size=size,
            ticket_min_twd=low,
            ticket_max_twd=high,
            discoverable=discoverable,
        )
        profile.sectors_of_interest.set(Sector.objects.filter(slug__in=sectors))
        profile.sdg_focus.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
        for kind, code, employees in ties:
            township = Township.objects.filter(code=code).first()
            if township is not None:
                HometownTie.objects.create(company=profile, kind=kind, township=township, employee_count=employees)
    return created
