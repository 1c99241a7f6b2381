# The people tests' fixtures (a township office, an expert, a help request…) for every file here.
from tests.people.test_people import expert, help_request, office, places, unverified_office  # noqa: F401
