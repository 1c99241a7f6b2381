"""What people asks of search, which sits above it (README.md, "Layout"): search provides the answers in its
AppConfig.ready(); people never imports search. Without search every answer is "nothing", and the database decides.

- `matching_request_candidates(profile, count, today)` → the ids of the `count` open help requests with the best
  matching scores for `profile` (people.matching's WEIGHTS), best first; None when no index answers.
- `matching_people_candidates(help_request, count, today, audience)` → the ids of the `count` talent profiles with
  the best matching scores for `help_request` among those `audience` (people.queries.ProfileAudience, None for
  everyone) may see; None when no index answers.

Any exception also means "ask the database". people.matching scores and ranks the candidates itself: the index only
chooses which rows the database scores.
"""

from core.providers import Provider

matching_request_candidates = Provider("people.matching_request_candidates", default=lambda profile, count, today: None)
matching_people_candidates = Provider(
    "people.matching_people_candidates", default=lambda help_request, count, today, audience: None
)
