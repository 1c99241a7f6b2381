"""Structured logs with request ids, and the optional error tracker.

Every log record gets ``request_id`` (web: the proxy's X-Request-ID or a new one), ``task_id`` (worker: the task
being run) and ``role`` (web, worker, scheduler, command), so one request or one task can be followed across the
processes that handled it. ``LOG_FORMAT=json`` (production's default) writes one JSON object per line.
"""

import contextvars
import logging
import os
import re
import sys
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id_var = contextvars.ContextVar("request_id", default="")
task_id_var = contextvars.ContextVar("task_id", default="")


def process_role():
    """web, worker, scheduler or command: from HOMEWARD_PROCESS_ROLE, else guessed from the command line."""
    role = os.environ.get("HOMEWARD_PROCESS_ROLE")
    if role:
        return role
    argv = " ".join(sys.argv[:3])
    if "run_worker" in argv or "db_worker" in argv:
        return "worker"
    if "run_scheduler" in argv:
        return "scheduler"
    if "daphne" in argv or "runserver" in argv or "uvicorn" in argv:
        return "web"
    return "command"


_ROLE = process_role()


class ContextFilter(logging.Filter):
    """Adds request_id, task_id and role to every record (a filter on the handler, so every logger gets them)."""

    def filter(self, record):
        record.request_id = getattr(record, "request_id", None) or request_id_var.get()
        record.task_id = getattr(record, "task_id", None) or task_id_var.get()
        record.role = _ROLE
        return True


class RequestIdMiddleware:
    """Takes the proxy's request id (or makes one), puts it on every log line of the request and on the response."""

    def __init__(self, get_response):
        from django.core.signals import request_finished

        self.get_response = get_response
        # Kept until the request is finished, not just until this middleware returns: Django logs a 4xx or 5xx
        # response ("Not Found: …") after the whole middleware chain has answered.
        request_finished.connect(_forget_request_id, dispatch_uid="config.observability.forget_request_id")

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request_id(**kwargs):
    request_id_var.set("")


def follow_tasks_in_logs():
    """In a worker: log lines written while a task runs carry its id."""
    from django_tasks.signals import task_finished, task_started

    def started(sender, task_result, **kwargs):
        task_id_var.set(str(task_result.id))

    def finished(sender, task_result, **kwargs):
        task_id_var.set("")

    task_started.connect(started, weak=False, dispatch_uid="config.observability.task_started")
    task_finished.connect(finished, weak=False, dispatch_uid="config.observability.task_finished")


def logging_config(log_format, level):
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(role)s %(request_id)s%(task_id)s]: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(role)s %(request_id)s %(task_id)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
            "timestamp": False,
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.observability.ContextFilter"}},
        "formatters": formatters,
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # daphne's runserver prints each request itself; propagating would print it twice.
            "django.channels.server": {"level": "INFO", "propagate": False},
        },
    }


def init_error_tracker(dsn, environment, traces_sample_rate):
    """Sentry, only when SENTRY_DSN is set; never sends personal data (no cookies, no user emails)."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
    )
    return True
