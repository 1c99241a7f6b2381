"""What the public pages show of the marketplace beside a project: card facts, the team, milestones, questions.

cms's templates reach these through marketplace_tags (cms never imports marketplace). A list of cards costs a
fixed number of queries whatever its length. A translated project page shows the listing of the page it was
translated from (they share a translation_key), as the funding panel does.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.languages import html_lang

# The ways to back a project, in the order cards and badges show them; labels in the page's language.
FUNDING_KINDS = {
    "subscription": _("Subscription"),
    "donation": _("Donation"),
    "investment": _("Investment"),
}
QUESTIONS_SHOWN = 3


@dataclass
class ProjectCard:
    """One project as a card shows it; money figures come from the payments ledger."""

    project: object
    team: str = ""  # the team's name in the reader's language when the team wrote it, else the original
    team_url: str = ""
    team_lang: str = field(default_factory=lambda: html_lang(settings.LANGUAGE_CODE))
    kinds: list = field(default_factory=list)  # [(code, label)] in FUNDING_KINDS order
    raised_twd: int = 0
    backers: int = 0
    goal_twd: int | None = None
    deadline: datetime.date | None = None
    ledger_project_id: int | None = None  # whose ledger the money comes from: the listed page (translations share it)

    @property
    def percent(self):
        """Share of the donation goal raised, in percent (past 100 once the goal is passed); None without a goal."""
        if not self.goal_twd:
            return None
        return round(100 * self.raised_twd / self.goal_twd)

    @property
    def bar_percent(self):
        """The progress bar's width: the percent, stopped at 100."""
        return None if self.percent is None else min(100, self.percent)

    @property
    def days_left(self):
        """Whole days until the end of the deadline day (0 on the day itself); None without a deadline."""
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def is_closed(self):
        return self.days_left is not None and self.days_left < 0


def _kinds(listing):
    """[(code, label)] of the ways `listing` offers (annotated with has_plans by _listings_by_key)."""
    offered = {
        "subscription": listing.has_plans,
        "donation": getattr(listing, "donation_campaign", None) is not None,
        "investment": listing.seeks_investment,
    }
    return [(code, label) for code, label in FUNDING_KINDS.items() if offered[code]]


def _team_url(listing):
    return reverse("marketplace:enterprise_detail", kwargs={"slug": listing.enterprise.organisation.slug})


def _listings_by_key(projects):
    from marketplace.models import ProjectListing, SubscriptionPlan

    keys = {project.translation_key for project in projects}
    listings = (
        ProjectListing.objects.filter(project__translation_key__in=keys)
        # The project's key only, not its page's sixty columns: compiling those cost more than running the query.
        .annotate(
            project_key=F("project__translation_key"),
            has_plans=Exists(SubscriptionPlan.objects.filter(listing=OuterRef("pk"))),
        )
        .select_related("enterprise__organisation", "donation_campaign")
    )
    return {listing.project_key: listing for listing in listings}


def project_cards(projects, with_money=True):
    """[ProjectCard] for `projects` (pages), in their order: three queries for the facts, plus what the pages
    themselves have not fetched yet (township, sector, picture with its card rendition). `with_money=False`: the
    facts only, raised and backers left at zero (add_money fills them in)."""
    from cms.models.pages import card_images
    from marketplace.providers import totals_by_project

    projects = list(projects)
    if not projects:
        return []
    prefetch_related_objects(projects, "township__county", "sector", Prefetch("hero_image", queryset=card_images()))
    listings = _listings_by_key(projects)
    totals = totals_by_project(listing.project_id for listing in listings.values()) if with_money else {}
    cards = []
    for project in projects:
        listing = listings.get(project.translation_key)
        card = ProjectCard(project=project)
        if listing is not None:
            campaign = getattr(listing, "donation_campaign", None)
            figures = totals.get(listing.project_id)
            card.team, card.team_lang = listing.enterprise.shown_name, listing.enterprise.shown_name_lang
            card.team_url = _team_url(listing)
            card.kinds = _kinds(listing)
            card.ledger_project_id = listing.project_id
            card.raised_twd = figures.raised_twd if figures else 0
            card.backers = figures.backers if figures else 0
            if campaign is not None:
                card.goal_twd, card.deadline = campaign.goal_twd, campaign.deadline
        cards.append(card)
    return cards


@dataclass
class ProjectStoryFacts:
    """The parts of a project page around its story: who runs it, milestones, the latest questions."""

    team: object = None  # EnterpriseProfile
    team_url: str = ""
    kinds: list = field(default_factory=list)  # [(code, label)], as on the project's card
    milestones_done: list = field(default_factory=list)
    milestones_upcoming: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    question_count: int = 0
    questions_url: str = ""

    @property
    def has_listing(self):
        return self.team is not None


def project_story_facts(project):
    """ProjectStoryFacts of a project page (empty when it has no listing): four queries."""
    from marketplace.models import Answer, Question

    listing = _listings_by_key([project]).get(project.translation_key)
    if listing is None:
        return ProjectStoryFacts()
    milestones = list(listing.milestones.all())
    visible_answers = Prefetch("answers", queryset=Answer.objects.filter(hidden=False), to_attr="visible_answers")
    questions = Question.objects.filter(listing=listing, hidden=False)
    return ProjectStoryFacts(
        team=listing.enterprise,
        team_url=_team_url(listing),
        kinds=_kinds(listing),
        milestones_done=[milestone for milestone in milestones if milestone.is_done],
        milestones_upcoming=[milestone for milestone in milestones if not milestone.is_done],
        questions=list(questions.prefetch_related(visible_answers)[:QUESTIONS_SHOWN]),
        question_count=questions.count(),
        questions_url=reverse("marketplace:questions", kwargs={"project_id": listing.project_id}),
    )


def search_result_extras(hits):
    """{hit uid: {"image": picture or None, "card": ProjectCard or None}} for a page of search hits: the pictures
    of projects, stories and townships (from their pages) and the card facts of projects. A fixed number of
    queries per page of results, whatever it holds; none for the projects and stories whose extras are kept
    (per language, while their pages' generations stand: cms.page_cache.values_of_pages)."""
    from cms.models import TownshipPage
    from cms.models.pages import card_images
    from cms.page_cache import values_of_pages

    ids = {"projects": [], "stories": [], "townships": []}
    for hit in hits:
        if hit["family"] in ids and str(hit["object_id"]).isdigit():
            ids[hit["family"]].append(int(hit["object_id"]))
    extras = {}
    if ids["projects"]:
        for page_id, card in kept_project_cards(ids["projects"]).items():
            extras[f"projects:{page_id}"] = {"image": card.project.hero_image, "card": card}
    if ids["stories"]:
        pictures = values_of_pages("story-pictures", ids["stories"], _read_story_pictures, shows_money=False)
        for page_id, image in pictures.items():
            extras[f"stories:{page_id}"] = {"image": image, "card": None}
    if ids["townships"]:
        pages = (
            TownshipPage.objects.filter(township_id__in=ids["townships"], hero_image__isnull=False)
            .prefetch_related(Prefetch("hero_image", queryset=card_images()))
            .order_by("township_id", "pk")
        )
        for page in pages:  # translations share the picture; the first one found is enough
            extras.setdefault(f"townships:{page.township_id}", {"image": page.hero_image, "card": None})
    return extras


def _read_story_pictures(story_ids):
    """{story page id: its picture (with the card rendition) or None}."""
    from cms.models import StoryPage

    stories = list(StoryPage.objects.filter(pk__in=story_ids).defer_streamfields())
    attach_card_images(stories)
    return {story.pk: story.hero_image for story in stories}


def kept_project_cards(project_ids):
    """{project page id: ProjectCard} of these pages (with their township, sector, language and picture), kept per
    page and language while the page's generations stand (cms.page_cache.values_of_pages): search hits and a
    company's recommendations show the same cards without their queries. Pages that are gone are left out."""
    from cms.page_cache import values_of_pages

    return values_of_pages("project-cards", project_ids, read_project_cards)


def add_money(cards):
    """Fill in the raised amount and backers of these cards from the ledger (one query); returns them."""
    from marketplace.providers import totals_by_project

    totals = totals_by_project({card.ledger_project_id for card in cards if card.ledger_project_id})
    for card in cards:
        figures = totals.get(card.ledger_project_id)
        card.raised_twd = figures.raised_twd if figures else 0
        card.backers = figures.backers if figures else 0
    return cards


def cards_with_kept_facts(project_ids, with_money=True):
    """{project page id: ProjectCard} of the pages with these ids: what changes with the project's content (its page,
    listing, campaign, team) kept per page and language while its content's generation stands, even through
    payments (cms.page_cache.values_of_pages, shows_money=False), and the money read now. A card shown again after
    a payment costs the ledger's one query. `with_money=False`: the facts only (add_money fills in the money)."""
    from cms.page_cache import values_of_pages

    facts = values_of_pages(
        "project-card-facts", project_ids, lambda ids: read_project_cards(ids, with_money=False), shows_money=False
    )
    if with_money:
        add_money(list(facts.values()))
    return facts


def read_project_cards(project_ids, with_money=True):
    """{project page id: ProjectCard} of the pages with these ids, read from the database: a fixed number of
    queries."""
    from cms.models import ProjectPage
    from cms.models.pages import CONTENT_LANGUAGE_RELATIONS

    pages = list(
        ProjectPage.objects.filter(pk__in=project_ids)
        .select_related("township__county", "sector")
        .prefetch_related(*CONTENT_LANGUAGE_RELATIONS)
        .defer_streamfields()  # a card never shows the body; the cards are kept pickled
    )
    attach_card_images(pages)
    return {card.project.pk: card for card in project_cards(pages, with_money=with_money)}


def attach_card_images(pages):
    """Each page's picture with its card rendition: two queries for the whole list. A rendition not made yet is made
    here: the pictures are kept with their prefetched renditions (kept_project_cards), and Wagtail makes a rendition
    that is missing from a prefetched list anew each time it is asked for one (the resize included)."""
    from wagtail.images.shortcuts import get_rendition_or_not_found

    from cms.models.pages import CARD_IMAGE_SPEC, card_images

    images = card_images().in_bulk({page.hero_image_id for page in pages if page.hero_image_id})
    for image in images.values():
        # Found among the prefetched ones, or made once and added to them; a lost original file is left to the
        # template's {% image %}, which shows a placeholder, as before.
        get_rendition_or_not_found(image, CARD_IMAGE_SPEC)
    for page in pages:
        page.hero_image = images.get(page.hero_image_id)


# The status of a team's project, as its own page says it (words, never the workflow's codes).
PROJECT_STATUS_LABELS = {
    "draft": _("Draft"),
    "in_review": _("In review"),
    "changes_requested": _("Changes requested"),
    "live": _("Live"),
    "closed": _("Closed"),
}


@dataclass
class TeamProject:
    """One row of the team's projects page: the draft (None for a project whose page staff made for the team, never
    written in the wizard), its project, its status and, when changes were requested, why. `team_listing` is the
    listing of a live project whose team pages (updates, funding, fulfilment, traceability) the reader may open."""

    draft: object
    status: str
    reasons: str = ""
    can_reopen: bool = False
    changes_in_review: bool = False  # a live project whose new version waits for the moderators
    live_stays: bool = False  # changes to a live project were sent back: the public page shows the approved version
    project: object = None  # the submitted or staff-made ProjectPage; None for a draft never submitted
    team_listing: object = None
    shown_title: tuple = None  # a staff-made project's (title, HTML lang) in the reader's language (team_projects)

    @property
    def status_label(self):
        return PROJECT_STATUS_LABELS[self.status]

    @property
    def title(self):
        return self.title_and_lang[0]

    @property
    def title_and_lang(self):
        """(title, HTML lang): the draft's title in the reader's language when the team wrote one, else its
        original; a staff-made project's title in the reader's language when its page is translated."""
        if self.draft is None:
            return self.shown_title or (self.project.title, html_lang(settings.LANGUAGE_CODE))
        if not self.draft.title:
            return str(self.draft), html_lang(get_language())  # "Untitled project", in the reader's language
        return self.draft.in_reader_language("title")


def team_projects(items, user):
    """TeamProject per item of a team's projects page, for `user`: a ProjectDraft (with submitted_project selected)
    or the ProjectListing of a project staff made for the team (with project selected). A live project's row has
    its listing when `user` passes the check its team pages make (marketplace.actions.check_project_team): one
    query for the listings and one check per team, whatever the number of rows."""
    from wagtail.models import Locale

    from cms.public import in_active_language
    from marketplace.models import ProjectListing

    rows = [_listed_project(item) if isinstance(item, ProjectListing) else _drafted_project(item) for item in items]
    _add_team_listings(rows, user)
    # A project staff made has no draft with the team's own translations: its title is its page's in the reader's
    # language (one query for the page).
    made_by_staff = [row for row in rows if row.draft is None]
    reader = Locale.get_active()
    for row, shown in zip(made_by_staff, in_active_language([row.project for row in made_by_staff]), strict=True):
        in_reader_language = shown.locale_id == reader.pk and not shown.alias_of_id  # no locale to read then
        row.shown_title = (shown.title, html_lang(get_language() if in_reader_language else shown.content_language))
    return rows


def _drafted_project(draft):
    from wagtail.models import WorkflowState

    from cms.models import ReviewNotice
    from marketplace.models import DonationCampaign

    project = draft.submitted_project
    if project is None:
        return TeamProject(draft, "draft")
    state = project.current_workflow_state  # in review, or sent back with changes requested; None otherwise
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        # A new project or a live project's changes: the moderators' reasons, and a way back into the wizard.
        notice = ReviewNotice.objects.filter(project=project, decision=ReviewNotice.Decision.REJECTED).first()
        return TeamProject(
            draft,
            "changes_requested",
            reasons=notice.comment if notice else "",
            can_reopen=draft.is_submitted,
            live_stays=project.live,
            project=project,
        )
    if project.live:
        campaign = DonationCampaign.objects.filter(listing__project=project).first()
        ended = campaign is not None and not campaign.is_open and not draft.subscription_plans.exists()
        in_review = draft.is_submitted and state is not None
        return TeamProject(
            draft,
            "closed" if ended else "live",
            can_reopen=draft.is_submitted and not in_review,
            changes_in_review=in_review,
            project=project,
        )
    return TeamProject(draft, "in_review" if draft.is_submitted else "draft", project=project)


def _listed_project(listing):
    from wagtail.models import WorkflowState

    from marketplace.models import DonationCampaign

    project = listing.project
    if project.live:
        try:
            campaign = listing.donation_campaign
        except DonationCampaign.DoesNotExist:
            campaign = None
        ended = campaign is not None and not campaign.is_open and not listing.subscription_plans.all()
        return TeamProject(None, "closed" if ended else "live", project=project)
    state = project.current_workflow_state
    in_review = state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    return TeamProject(None, "in_review" if in_review else "draft", project=project)


def _add_team_listings(rows, user):
    from marketplace.actions.teams import is_project_team
    from marketplace.models import ProjectListing

    live = {row.project.pk: row for row in rows if row.project is not None and row.project.live}
    allowed = {}  # organisation id → whether `user` may act for it
    for listing in ProjectListing.objects.filter(project_id__in=live).select_related("enterprise__organisation"):
        organisation_id = listing.enterprise.organisation_id
        if organisation_id not in allowed:
            allowed[organisation_id] = is_project_team(user, listing)
        if allowed[organisation_id]:
            live[listing.project_id].team_listing = listing


@dataclass
class DraftPreviewTexts:
    """A draft's title, summary and story as a reader of one language will see its public page."""

    language: str  # the reader's language (a settings.LANGUAGES code)
    title: str
    summary: str
    story_body: list
    lang: str  # the HTML lang of the texts above
    translated: bool  # the team wrote this language's version (False: the original is shown, with a note)
    original_language: str = settings.LANGUAGE_CODE
    original_lang: str = field(default_factory=lambda: html_lang(settings.LANGUAGE_CODE))


def draft_preview_texts(draft, language):
    """DraftPreviewTexts of `draft` in `language`, as marketplace.actions.submit_project_draft will publish them: a
    language whose title the team wrote gets its own page (its title, summary and story, even empty ones); any
    other shows the original, marked with its language, under the untranslated-page note."""
    from marketplace.actions import story_body

    code = language.lower()[:2]
    if code in ("en", "ja") and getattr(draft, f"title_{code}").strip():
        return DraftPreviewTexts(
            language=language,
            title=getattr(draft, f"title_{code}").strip(),
            summary=getattr(draft, f"summary_{code}"),
            story_body=story_body(draft, code),
            lang=html_lang(code),
            translated=True,
        )
    return DraftPreviewTexts(
        language=language,
        title=draft.title,
        summary=draft.summary,
        story_body=story_body(draft),
        lang=html_lang(settings.LANGUAGE_CODE),
        translated=language.lower() == settings.LANGUAGE_CODE.lower(),
    )
