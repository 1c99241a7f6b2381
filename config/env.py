"""Read settings from the environment with one clear error per mistake.

Every reader raises ConfigurationError naming the variable, the bad value and
what would be accepted, so that manage.py and the ASGI entry point can print a
single line instead of a traceback.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(ImproperlyConfigured):
    pass


def _raw(name, default):
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise ConfigurationError(f"{name} is not set; set it in the environment (see README.md, 'Configuration').")
        return None
    return value.strip()


def env_str(name, default=_MISSING):
    value = _raw(name, default)
    if value is None:
        return default
    if value == "" and default is _MISSING:
        raise ConfigurationError(f"{name} is empty; give it a value.")
    return value


def env_bool(name, default=False):
    value = _raw(name, default)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off.")


def env_int(name, default=_MISSING, minimum=None):
    value = _raw(name, default)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_choice(name, choices, default=_MISSING):
    value = _raw(name, default)
    if value is None:
        return default
    if value not in choices:
        raise ConfigurationError(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_list(name, default=_MISSING):
    value = _raw(name, default)
    if value is None:
        return list(default) if default is not _MISSING else []
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items and default is _MISSING:
        raise ConfigurationError(f"{name} is empty; give a comma-separated list.")
    return items


def database_from_url(name, default=_MISSING):
    """Parse a database URL, accepting only the engines Homeward supports."""
    import dj_database_url

    url = env_str(name, default)
    if url is None:
        return None
    scheme = url.split(":", 1)[0]
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise ConfigurationError(
            f"{name} uses the scheme {scheme!r}; use sqlite:///path or postgres://user:pass@host:port/name."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except ValueError as error:
        raise ConfigurationError(f"{name} could not be read: {error}") from None
    return config


_LOCAL_HOSTS = {"localhost", "0.0.0.0", "::1", "::"}  # noqa: S104 (names to refuse, nothing listens on them)


def is_local_host(hostname):
    """Whether `hostname` names this machine (localhost, a loopback or unspecified address): no visitor reaches it."""
    hostname = (hostname or "").lower().rstrip(".")
    return hostname in _LOCAL_HOSTS or hostname.endswith(".localhost") or hostname.startswith("127.")


def public_base_url(name, value, allow_local=False):
    """`value` as a site's public address (scheme and host, maybe a port, no path), or ConfigurationError.

    Every absolute link a visitor or a mail client follows starts with it, so in production it must be https on a
    host other than this machine; `allow_local` (an explicit opt-in) accepts http and loopback hosts for a
    production-like cluster running on one machine."""
    from urllib.parse import urlsplit

    value = value.rstrip("/")
    try:
        address = urlsplit(value)
        address.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        raise ConfigurationError(
            f"{name}={value!r} is not a URL; give the public address, e.g. https://homeward.tw."
        ) from None
    if address.scheme not in ("http", "https") or not address.hostname:
        raise ConfigurationError(f"{name}={value!r} is not a URL; give the public address, e.g. https://homeward.tw.")
    if address.path or address.query or address.fragment:
        raise ConfigurationError(
            f"{name}={value!r} has a path; give the scheme and host only, e.g. https://homeward.tw."
        )
    if allow_local:
        return value
    if is_local_host(address.hostname):
        raise ConfigurationError(
            f"{name}={value!r} points at this machine: every link in emails, canonical and hreflang tags, the sitemap,"
            " feeds and Open Graph would lead visitors nowhere. Give the public address (https://…); for a"
            " production-like cluster on one machine, set SITE_BASE_URL_ALLOW_LOCAL=1."
        )
    if address.scheme != "https":
        raise ConfigurationError(
            f"{name}={value!r} is http: production serves https only (SECURE_SSL_REDIRECT), so every absolute link"
            " would go through a redirect or be refused. Use https://…; for a production-like cluster on one"
            " machine, set SITE_BASE_URL_ALLOW_LOCAL=1."
        )
    if address.port not in (None, 443):
        # The default Wagtail Site stores a host and a port, and writes every port but 443 as http.
        raise ConfigurationError(f"{name}={value!r}: serve https on port 443 (the page links would say http).")
    return value
