# The two commands of README.md, plus helpers for the services.
.PHONY: run test services-start services-stop services-status lint format messages

run:  ## set up and serve the site on the embedded defaults, with demo content
	scripts/run

test:  ## start the real services, lint, check and run the whole suite (ARGS=... go to pytest)
	scripts/test $(ARGS)

services-start:
	scripts/services start

services-stop:
	scripts/services stop

services-status:
	scripts/services status

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

messages:  ## refresh the translation catalogs after changing strings (needs GNU gettext)
	.venv/bin/python manage.py makemessages --locale zh_Hant --locale en --locale ja --ignore '.venv/*' --ignore 'var/*'
