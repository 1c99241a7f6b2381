"""What a project page shows of its funding: the panel (template tag `{% funding_panel page %}`), the live
progress, and the search index's funding facts.

Only what exists is shown: the investment ask, the plans and the donation campaign as the team wrote them,
and the money raised and backers as the payments ledger records them (never what a browser sent).
A translation of a project page shows the listing of the page it was translated from.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from core.languages import html_lang
from payments import gateways


@dataclass
class InvestmentAsk:
    min_twd: int
    max_twd: int
    instrument: str
    stage: str
    use_of_funds: str
    # In the reader's language when the team wrote it (ProjectListing.use_of_funds_en/_ja), else the original.
    use_of_funds_lang: str = field(default_factory=lambda: html_lang(settings.LANGUAGE_CODE))


@dataclass
class PlanOffer:
    """A subscription plan as the panel shows it: the plan and the places left under its cap (None: no cap)."""

    plan: object
    places_left: int | None = None

    @property
    def is_full(self):
        return self.places_left is not None and self.places_left <= 0


@dataclass
class FundingPanel:
    investment_ask: InvestmentAsk | None = None
    subscription_plans: list = field(default_factory=list)
    donation: object = None
    payments_configured: bool = False
    demo_checkout: bool = False  # the demo gateway: the panel says no money moves
    project_id: int | None = None  # the listing's page: live progress events are addressed to it
    totals: object = None  # payments.ledger.Totals
    plan_offers: list = field(default_factory=list)  # PlanOffer per plan, in the plans' order
    interest_companies: list = field(default_factory=list)  # the viewer's companies that may express interest
    progress_hole: str = ""  # the progress as a hole the response fills (cms.page_cache.hole), without totals
    plans_hole: str = ""  # the plans as a hole, without their places

    @property
    def days_left(self):
        """Whole days until the end of the donation deadline (0 on the day itself); None without a campaign."""
        if self.donation is None:
            return None
        return (self.donation.deadline - timezone.localdate()).days

    @property
    def is_empty(self):
        return self.investment_ask is None and not self.subscription_plans and self.donation is None

    @property
    def progress_percent(self):
        if self.donation is None or not self.totals:
            return None
        return min(100, round(100 * self.totals.raised_twd / self.donation.goal_twd))


@dataclass
class FundingTerms:
    """What a project's panel offers, alike for every reader of one language: the listing's page, its investment
    ask, plans and donation campaign. Kept with the page (cms.page_cache.values_of_pages) until the listing, its
    campaign or plans change (marketplace's saves move the project's content generation), payments leaving it kept:
    the money raised and the places left are read for each render."""

    project_id: int
    investment_ask: InvestmentAsk | None
    subscription_plans: list
    donation: object


PROGRESS_HOLE = "project-progress"
PLANS_HOLE = "project-plans"
PLACES_SHOWN_FOR = 60  # seconds: how long a place given back without an event may show as taken


def funding_panel_for(project, user=None, money_as_holes=False):
    """The panel of a project page (a translation shows the listing of the page it was translated from); with
    `user`, the companies through which that visitor may express interest. Its terms are kept (FundingTerms); each
    render reads the project's totals and, when a plan has a cap, the places taken, in one query each.
    `money_as_holes`: the progress and the plans are holes the response fills (PROGRESS_HOLE, PLANS_HOLE: kept
    apart until a payment or a place taken moves them), and neither is read here."""
    from cms.page_cache import clock, hole, project_money_generations
    from marketplace.queries import companies_for_interest

    terms = kept_funding_terms([project]).get(project.pk)
    if terms is None:
        return FundingPanel()
    panel = FundingPanel(
        investment_ask=terms.investment_ask,
        subscription_plans=terms.subscription_plans,
        interest_companies=companies_for_interest(user) if terms.investment_ask is not None else [],
        donation=terms.donation,
        payments_configured=gateways.current().is_configured(),
        demo_checkout=gateways.demo_enabled(),
        project_id=terms.project_id,
    )
    if not money_as_holes:
        return _with_money(panel)
    generations = project_money_generations(project.translation_key)
    panel.progress_hole = hole(PROGRESS_HOLE, project.pk, generations)
    if panel.subscription_plans:
        # A place taken moves the project's money (payments.checkout); one given back (a checkout left unpaid, a
        # subscription ended) shows within PLACES_SHOWN_FOR.
        panel.plans_hole = hole(PLANS_HOLE, project.pk, [*generations, clock(PLACES_SHOWN_FOR)])
    return panel


def _with_money(panel, totals=None):
    """`panel` with its totals (`totals`, else read) and its plans' places left (one query for the capped plans)."""
    from payments.checkout import places_taken_by_plan
    from payments.ledger import totals_for_project

    plans = panel.subscription_plans
    taken = places_taken_by_plan(plan.pk for plan in plans if plan.max_backers)
    panel.plan_offers = [
        PlanOffer(plan=plan, places_left=max(0, plan.max_backers - taken.get(plan.pk, 0)) if plan.max_backers else None)
        for plan in plans
    ]
    panel.totals = totals if totals is not None else totals_for_project(panel.project_id)
    return panel


def kept_funding_terms(projects):
    """{project page id: FundingTerms, or None without a listing} of these pages (pages, or page ids: those whose
    terms are not kept are then read), kept per page and language until the listing, its campaign or plans change
    (cms.page_cache.values_of_pages)."""
    from cms.models import ProjectPage
    from cms.page_cache import values_of_pages

    given = {project.pk: project for project in projects if not isinstance(project, int)}
    ids = [project if isinstance(project, int) else project.pk for project in projects]

    def read(page_ids):
        unread = [page_id for page_id in page_ids if page_id not in given]
        pages = {**given, **ProjectPage.objects.only("translation_key").in_bulk(unread)} if unread else given
        # None (no listing) is kept too: a page without one reads nothing again.
        return {page_id: _funding_terms(pages[page_id]) for page_id in page_ids if page_id in pages}

    return values_of_pages("funding-terms", ids, read, shows_money=False)


def funding_money_panels(project_ids):
    """{project page id: FundingPanel with its terms as kept, its totals and its plans' places} for the holes of
    these pages' panels: the totals of them all in one query, the places of their capped plans in one more. A page
    without a listing has none."""
    from cms.read_once import read_once

    project_ids = sorted(set(project_ids))
    # The progress and the plans of a panel are filled together: read once for both.
    return read_once(("funding-money-panels", tuple(project_ids)), lambda: _funding_money_panels(project_ids))


def _funding_money_panels(project_ids):
    from payments.ledger import Totals, totals_by_project

    # The panel that left these holes has just kept its terms: nothing but the money is read.
    terms = {page_id: item for page_id, item in kept_funding_terms(project_ids).items() if item is not None}
    totals = totals_by_project(item.project_id for item in terms.values())
    configured = gateways.current().is_configured()
    return {
        page_id: _with_money(
            FundingPanel(
                subscription_plans=item.subscription_plans,
                donation=item.donation,
                payments_configured=configured,
                project_id=item.project_id,
            ),
            totals.get(item.project_id, Totals()),
        )
        for page_id, item in terms.items()
    }


def _funding_terms(project):
    """The FundingTerms of a project page read from the database, or None when it has no listing."""
    from marketplace.models import DonationCampaign, ProjectListing

    listing = ProjectListing.objects.filter(project__translation_key=project.translation_key).first()
    if listing is None:
        return None
    ask = None
    if listing.seeks_investment and listing.ask_min_twd and listing.ask_max_twd:
        funds, funds_lang = listing.in_reader_language("use_of_funds")
        ask = InvestmentAsk(
            min_twd=listing.ask_min_twd,
            max_twd=listing.ask_max_twd,
            instrument=listing.get_instrument_display(),
            stage=listing.get_stage_display() if listing.stage else "",
            use_of_funds=funds,
            use_of_funds_lang=funds_lang,
        )
    return FundingTerms(
        project_id=listing.project_id,
        investment_ask=ask,
        subscription_plans=list(listing.subscription_plans.all()),
        donation=DonationCampaign.objects.filter(listing=listing).first(),
    )


def search_funding_facts(project):
    """The search index's funding facts of a project page (search.content reads them):
    "subscription" when its listing has plans, "donation" when it has a campaign; money raised and backers from
    the payments ledger; progress as the share of the campaign's goal raised."""
    from marketplace.models import DonationCampaign, ProjectListing
    from payments.ledger import totals_for_project

    listing = getattr(project, "listing", None)  # a missing reverse one-to-one raises an AttributeError
    if not isinstance(listing, ProjectListing):
        return {}
    kinds = []
    if listing.subscription_plans.exists():
        kinds.append("subscription")
    campaign = DonationCampaign.objects.filter(listing=listing).only("goal_twd").first()
    if campaign is not None:
        kinds.append("donation")
    totals = totals_for_project(listing.project_id)
    return {
        "funding_type": kinds,
        "backed_amount": totals.raised_twd,
        "backers": totals.backers,
        "progress": round(totals.raised_twd / campaign.goal_twd, 6) if campaign is not None else None,
    }


def search_funding_facts_many(projects):
    """{project page id: facts} of `search_funding_facts` for many project pages (their `listing` already read, as
    the search rebuild's queryset selects it), in four queries whatever their number."""
    from marketplace.models import DonationCampaign, ProjectListing, SubscriptionPlan
    from payments.ledger import Totals, totals_for_projects

    listings = {}
    for project in projects:
        listing = getattr(project, "listing", None)
        if isinstance(listing, ProjectListing):
            listings[project.pk] = listing
    if not listings:
        return {}
    listing_ids = [listing.pk for listing in listings.values()]
    with_plans = set(
        SubscriptionPlan.objects.filter(listing_id__in=listing_ids).order_by().values_list("listing_id", flat=True)
    )
    goals = dict(DonationCampaign.objects.filter(listing_id__in=listing_ids).values_list("listing_id", "goal_twd"))
    totals = totals_for_projects(listing.project_id for listing in listings.values())
    facts = {}
    for project_id, listing in listings.items():
        kinds = ["subscription"] if listing.pk in with_plans else []
        goal = goals.get(listing.pk)
        if listing.pk in goals:
            kinds.append("donation")
        found = totals.get(listing.project_id) or Totals()
        facts[project_id] = {
            "funding_type": kinds,
            "backed_amount": found.raised_twd,
            "backers": found.backers,
            "progress": round(found.raised_twd / goal, 6) if listing.pk in goals else None,
        }
    return facts


def public_listing(project_id):
    """The listing whose project page `project_id` is live and public (what anyone may follow), or None."""
    from cms.public import public_projects
    from marketplace.models import ProjectListing

    if not public_projects().filter(pk=project_id).exists():
        return None
    return ProjectListing.objects.select_related("donation_campaign").filter(project_id=project_id).first()


def progress_of(listing):
    """The figures a funding.progress event carries, read from the ledger (for pages catching up over HTTP)."""
    from payments.ledger import totals_for_project

    totals = totals_for_project(listing.project_id)
    campaign = getattr(listing, "donation_campaign", None)
    return {
        "project_id": listing.project_id,
        "raised_twd": totals.raised_twd,
        "backers": totals.backers,
        "goal_twd": campaign.goal_twd if campaign else None,
    }
