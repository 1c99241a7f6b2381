"""A few months of company interest in the demo projects that seek investment, for `manage.py load_demo_history`:
the demo companies (marketplace.demo_companies) express interest and the demo team moves each interest through the
pipeline's own actions (express, accept, introduce, due diligence, term sheet, commit, close; decline; withdraw),
so the pipelines, the company impact reports and the impact map's committed figures have real shapes on a first visit.

Each project gets commitments from at least ``impact.measures.PUBLIC_MIN_COMPANIES`` (three) companies, so its
township's committed figure is public, and other interests at earlier stages. The actions date every step now; the
steps are then moved back to their place in the last few months (the pipeline's events are their only dates).

Idempotent: a company's interest in a project that exists (the demo's, or one a visitor made) is left as it is.
Needs load_demo first (demo projects, their listings, the demo companies and the company login).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from marketplace.actions.interests import advance_interest, express_interest, propose_commitment, withdraw_interest
from marketplace.demo import ensure_team_login, join_demo_team
from marketplace.demo_companies import DEMO_COMPANY_EMAIL
from marketplace.models import CompanyProfile, Interest, InterestEvent, ProjectListing

Stage = Interest.Stage

KOUHU = "口湖智慧魚塭示範場"
ZHUANGWEI = "壯圍田間教室"

# The team's path from "accepted" to "closed"; an interest goes along it up to its stage.
PATH = (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET, Stage.COMMITTED, Stage.CLOSED)

# project title → [(company slug, final stage, NT$ committed, when, days between steps, message)]. `when` dates the
# commitment as (months back, day of that month) for an interest that reached "committed", else the interest's last
# step as days ago. Each month's committed figure is public only with three companies or more: three commitments fall
# three months back, three one month back (public), one two months back (withheld, as the map shows such months).
# Amounts lie in the listing's ask and the company's ticket range.
DEMO_INTERESTS = {
    KOUHU: [
        ("demo-coastline-tech", Stage.CLOSED, 2_500_000, (3, 8), 12, "創辦人是口湖人，感測團隊可以一起維護設備。"),
        ("demo-southern-foods", Stage.COMMITTED, 800_000, (3, 10), 10, "希望長期採購低碳養殖的吳郭魚。"),
        ("demo-central-precision", Stage.COMMITTED, 3_000_000, (1, 5), 12, "我們能協助打氣與省電設備的製造。"),
        ("demo-taipei-tea", Stage.COMMITTED, 1_200_000, (2, 20), 8, "想了解分潤方式與示範場的擴建時程。"),
        ("demo-tainan-circular", Stage.DUE_DILIGENCE, None, 15, 10, "魚塭的副產物或許能成為我們的循環材料。"),
        ("demo-lanyang-edtech", Stage.EXPRESSED, None, 6, 0, "能否合作開設智慧養殖的校外教學？"),
    ],
    ZHUANGWEI: [
        ("demo-lanyang-edtech", Stage.COMMITTED, 250_000, (3, 9), 10, "創辦人在壯圍長大，想一起整修雨天教室。"),
        ("demo-southern-foods", Stage.CLOSED, 300_000, (1, 6), 8, "支持食農教育，也想帶員工家庭參加課程。"),
        ("demo-taipei-tea", Stage.COMMITTED, 400_000, (1, 7), 9, "可以把田間課程和我們的茶飲體驗結合。"),
        ("demo-central-precision", Stage.TERM_SHEET, None, 20, 10, "我們的員工志工隊想參與教室整修。"),
        ("demo-coastline-tech", Stage.DECLINED, None, 30, 5, "想提供田間感測器作為教材。"),
        ("demo-tainan-circular", Stage.WITHDRAWN, None, 10, 7, "教室整修能否使用回收建材？"),
    ],
}


def _anchor(now, when):
    """The moment of the anchored step: (months back, day) of a commitment, or days ago; at 10:00 local time."""
    today = timezone.localtime(now)
    if isinstance(when, tuple):
        months_back, day = when
        month_index = today.year * 12 + today.month - 1 - months_back
        day = today.replace(year=month_index // 12, month=month_index % 12 + 1, day=day)
    else:
        day = today - datetime.timedelta(days=when)
    return day.replace(hour=10, minute=0, second=0, microsecond=0)


def _steps(stage):
    """The stages an interest passes on its way to `stage` after "expressed" (the team's moves, then a withdrawal)."""
    if stage == Stage.EXPRESSED:
        return []
    if stage == Stage.DECLINED:
        return [Stage.DECLINED]
    if stage == Stage.WITHDRAWN:
        return [Stage.ACCEPTED, Stage.WITHDRAWN]
    return list(PATH[: PATH.index(stage) + 1])


@transaction.atomic
def _write_interest(company_user, team_user, company, listing, spec, now):
    _slug, stage, amount, when, gap, message = spec
    interest = express_interest(company_user, company, listing.project, message=message)
    for to_stage in _steps(stage):
        if to_stage == Stage.WITHDRAWN:
            interest = withdraw_interest(company_user, interest)
        elif to_stage == Stage.COMMITTED:
            # The team proposes; the company confirms. The demo's company login is an admin of one demo company only,
            # so the confirmation is written here as the company's (the history a demo shows, not a permission).
            interest = propose_commitment(team_user, interest, amount_twd=amount, instrument=listing.instrument)
            InterestEvent.objects.create(
                interest=interest, actor=company_user, from_stage=interest.stage, to_stage=Stage.COMMITTED
            )
            interest.stage = Stage.COMMITTED
            interest.commitment_confirmed_by = company_user
            interest.commitment_confirmed_at = timezone.now()
            interest.save(update_fields=["stage", "commitment_confirmed_by", "commitment_confirmed_at", "updated"])
        else:
            interest = advance_interest(team_user, interest, to_stage)
    # The steps happened `gap` days apart, around the anchored one (the commitment, else the last step); never later
    # than an hour ago.
    events = list(interest.events.order_by("pk"))
    steps = [event.to_stage for event in events]
    anchored = steps.index(Stage.COMMITTED) if Stage.COMMITTED in steps else len(steps) - 1
    anchor = _anchor(now, when)
    moments = []
    for step, event in enumerate(events):
        moment = anchor + datetime.timedelta(days=(step - anchored) * gap, hours=step % 3)
        moments.append(min(moment, now - datetime.timedelta(hours=len(events) - step)))
        InterestEvent.objects.filter(pk=event.pk).update(at=moments[-1])
    dates = {"created": moments[0], "updated": moments[-1]}
    if Stage.COMMITTED in steps:  # proposed the step before, confirmed at the anchored moment
        dates |= {"commitment_proposed_at": moments[anchored - 1], "commitment_confirmed_at": moments[anchored]}
    Interest.objects.filter(pk=interest.pk).update(**dates)


def ensure_demo_commitments(now=None):
    """Write the demo interests that are missing; returns how many were written (0 without the demo content)."""
    now = now or timezone.now()
    company_user = User.objects.filter(email=DEMO_COMPANY_EMAIL).first()
    if company_user is None:
        return 0
    companies = {
        company.organisation.slug: company
        for company in CompanyProfile.objects.filter(
            organisation__slug__in={spec[0] for specs in DEMO_INTERESTS.values() for spec in specs}
        ).select_related("organisation")
    }
    team_user = None
    written = 0
    for title, specs in DEMO_INTERESTS.items():
        listing = (
            ProjectListing.objects.filter(project__title=title, project__is_demo=True)
            .select_related("project", "enterprise__organisation")
            .first()
        )
        if listing is None:
            continue
        for spec in specs:
            company = companies.get(spec[0])
            if company is None or Interest.objects.filter(company=company, project=listing.project).exists():
                continue
            if team_user is None:
                team_user = ensure_team_login()
            join_demo_team(team_user, listing)
            _write_interest(company_user, team_user, company, listing, spec, now)
            written += 1
    return written
