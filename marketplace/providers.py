"""What marketplace asks of payments, which sits above it (README.md, "Layout"): payments provides the answers
in its AppConfig.ready(); marketplace never imports payments. Without payments every answer is "nothing yet".

- `backers_by_project(project_ids=None)` → {project page id: people backing it} (payments.ledger's definition of
  a backer); recommendations give a point per backer.
- `totals_by_project(project_ids)` → {project page id: Totals (raised_twd, backers)} from the ledger; the
  project cards show them.
- `people_backing(listing)` → the signed-in people who back the project now; they hear of its updates.
- `plans_submitted(listing)` is called once a submitted project's plans belong to its listing (after commit):
  payments mirrors them in Stripe (Checkout would otherwise sync them lazily).

And of experiences and people, above it too, for a company's dashboard (its impact page):

- `members_volunteer_hours(user_ids)` → {township name: hours} the company's members volunteered (attended shifts),
  answered by experiences.impact.
- `members_followed_organisations(user_ids)` → [{"name", "url", "followers"}] the township offices and county
  governments the company's members follow, answered by people.queries.

And of search, which sits above it too:

- `search_candidates(factors, count)` → the ids of the `count` projects with the best candidate scores for one
  company's `Factors`, best first, from the search index; None when no index answers (the database decides).
  Any exception also means "ask the database".
"""

from dataclasses import dataclass, field

from core.providers import Hook, Provider

backers_by_project = Provider("marketplace.backers_by_project", default=lambda project_ids=None: {})
totals_by_project = Provider("marketplace.totals_by_project", default=lambda project_ids: {})
people_backing = Provider("marketplace.people_backing", default=lambda listing: [])
plans_submitted = Hook("marketplace.plans_submitted")
members_volunteer_hours = Provider("marketplace.members_volunteer_hours", default=lambda user_ids: {})
members_followed_organisations = Provider("marketplace.members_followed_organisations", default=lambda user_ids: [])
search_candidates = Provider("marketplace.search_candidates", default=lambda factors, count: None)


@dataclass
class Factors:
    """What one company's candidate scores depend on, in the index's terms."""

    township_points: dict = field(default_factory=dict)  # {township code: points}
    sector_slugs: list = field(default_factory=list)
    sector_points: int = 0
    sdg_numbers: list = field(default_factory=list)
    sdg_points: int = 0
    sdg_max: int = 0
    ticket: tuple | None = None  # (min, max) of the company's ticket range; max None means no upper bound
    ticket_points: int = 0
    updates_since: object = None  # a date
    update_points: int = 0
    update_max: int = 0
    fresh: list = field(default_factory=list)  # [(published after this datetime, points)], any order
    backer_points: int = 0  # per backer
    backer_max: int = 0  # backers counted at most (0: all)
