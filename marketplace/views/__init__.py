"""Marketplace pages, thin, one module per subject: companies (profile, saved searches, impact report), ties,
recommendations, interests, enterprises, the project wizard, and a project's team pages with its questions.
Permission checks and changes are in marketplace.actions; what only reads, in marketplace.queries."""
