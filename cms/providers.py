"""What the township page asks of apps above cms (core.providers): the people app answers it."""

from core.providers import Provider

# township_id -> {"organisations": [...], "help_requests": [...]}: public bodies, universities and associations
# based in the township, and the open help requests there (people.queries.township_participants).
township_participants = Provider("cms.township_participants", default=lambda township_id: {})
