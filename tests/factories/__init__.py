"""The suite's one set of factories and builders (factory_boy where a row is made; plain functions where a small
world is built through the apps' own actions). Fixtures that hand them to tests live in the conftest.py files.

- accounts: PASSWORD, UserFactory (a person with a verified primary email address)
- cms: TEST_TOWN_CODES, make_image
- market: the small marketplace world (build_market), published projects, an accepted conversation
- payments: backings and ledger rows as the webhook handlers make them, plans and campaigns
- stripe: webhook events built and signed the way Stripe builds and signs them
"""
