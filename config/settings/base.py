"""Settings shared by every environment.

Each value comes from the environment with a default that suits the embedded
set-up (SQLite, database search, in-memory channel layer, console email), so a
new clone runs with no configuration. production.py removes the defaults that
would be unsafe there.
"""

from pathlib import Path

from config.env import ConfigurationError, database_from_url, env_bool, env_choice, env_int, env_list, env_str
from config.observability import init_error_tracker, logging_config
from config.security import picture_origin, public_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    # daphne first: its runserver serves the ASGI application, so websockets work in development.
    "daphne",
    "core",
    "places",
    "datahub",
    "accounts",
    "cms",
    "marketplace",
    "people",
    "payments",
    "traceability",
    "plans",
    "experiences",
    "notifications",
    "conversations",
    "search",
    "impact",
    "scheduling",
    "policy",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "channels",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.line",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "django_prometheus",
]

MIDDLEWARE = [
    # Counts and times every request (Prometheus); its partner is the last middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Every log line of a request carries its id (the proxy's X-Request-ID, or a new one).
    "config.observability.RequestIdMiddleware",
    # The view restrictions and the locales, read once per request, not once per list or link (cms.read_once).
    "cms.read_once.ReadOncePerRequestMiddleware",
    # Pages are compressed here (nginx in deploy/ passes them through as they are): the impact and township maps
    # are half a megabyte of SVG markup, a tenth of that gzipped. Django's GZip pads each response against BREACH.
    # Static files are not compressed here: WhiteNoise serves them pre-compressed in production.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (no inline script on the public site) and Permissions-Policy: config/security.py.
    "config.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A path with a NUL character answers 404 before a view passes it to PostgreSQL (config/paths.py).
    "config.paths.NulPathMiddleware",
    # A form's address opened as a page: the site's page saying so, not a blank 405 (config/method_not_allowed.py).
    "config.method_not_allowed.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff must have two-factor authentication before they reach the admin.
    "accounts.middleware.StaffMFAMiddleware",
    # Anonymous CMS pages from the cache (cms.page_cache): after session, locale, auth and messages, which it reads.
    "cms.page_cache.AnonymousPageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
# Requests one web process runs at once (config/asgi_http.py); more wait in its event loop. Under load, many requests
# in flight in one process share its interpreter lock and each one slows down (bench/load.py): a couple per process,
# and more processes, serve more.
WEB_CONCURRENT_REQUESTS = env_int("WEB_CONCURRENT_REQUESTS", 2, minimum=1)
# The web process's cyclic garbage collector (config/asgi_http.py, tune_garbage_collector): what was loaded at start
# frozen out of its scans, and collections that many allocations apart (Python's own: 700,10,10). A full collection
# paused every request of the process; under load that was most of p95 (bench/load.py).
WEB_GC_FREEZE = env_bool("WEB_GC_FREEZE", True)
# A web process loads search's dictionaries (jieba with the domain words, CC-CEDICT: about three seconds) as it
# starts, before it freezes what it holds, rather than in its first search: that search held a lane for seconds
# while every other request in the process waited, and the dictionaries' millions of objects stayed in the
# collector's scans (bench/load.py).
WEB_PRELOAD_SEARCH = env_bool("WEB_PRELOAD_SEARCH", True)
try:
    WEB_GC_THRESHOLDS = tuple(int(value) for value in env_list("WEB_GC_THRESHOLDS", ["50000", "50", "100"]))
except ValueError:
    WEB_GC_THRESHOLDS = ()
if len(WEB_GC_THRESHOLDS) != 3 or min(WEB_GC_THRESHOLDS) < 1:
    raise ConfigurationError("WEB_GC_THRESHOLDS takes three whole numbers of at least 1, e.g. 50000,50,100.")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so site/templates/django/forms/ can name Django's empty choice in words.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------
# SQLite in WAL mode is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": database_from_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'homeward.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        # IMMEDIATE avoids "database is locked" when the web process and the worker write at once.
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# A duplicate address gets a clear error at sign-up and in the email form (the issue asks for clear errors); the rate
# limits below keep anyone from probing addresses in bulk. A reset request answers the same for every address
# (accounts.forms.ResetPasswordForm): the mail says whether an account uses it.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_FORMS = {"reset_password": "accounts.forms.ResetPasswordForm"}
ACCOUNT_CHANGE_EMAIL = True  # one address at a time; a new address is verified before it replaces the old one
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Homeward] "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or email address changes
# Rate limits (kept in the cache: Redis whenever REDIS_URL is set). Failed logins
# are limited per IP and per email address; sign-ups and reset requests per IP.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/180s/key",
    "reauthenticate": "10/m/user",
    # Starting a payment (a Stripe Checkout Session): per client address, guests included (payments.views.checkout).
    "checkout": "5/m/ip,20/31m/ip",
}
# Whose address a per-IP limit counts: behind a load balancer REMOTE_ADDR is the balancer's, so every visitor would
# share one budget and ten failed sign-ins would lock everyone out. Only a configured proxy is believed (a client can
# write any X-Forwarded-For): TRUSTED_PROXY_COUNT proxies append to X-Forwarded-For (the address that many entries
# from the end is the client's), or TRUSTED_CLIENT_IP_HEADER names a header the proxy alone sets (e.g.
# CF-Connecting-IP). Neither set: REMOTE_ADDR, right when nothing stands in front of the server.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", None)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Homeward"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never join a social login to an account by email alone
SOCIALACCOUNT_LOGIN_ON_GET = False


def _social_provider(client_id_variable, secret_variable, **extra):
    """A provider configured from the environment; without keys it has no app and shows no button."""
    client_id, secret = env_str(client_id_variable, ""), env_str(secret_variable, "")
    if not (client_id and secret):
        return {}
    return {"APPS": [{"client_id": client_id, "secret": secret, "key": ""}], **extra}


# Keys may also be entered in the admin (Social applications); a provider with neither shows no button.
SOCIALACCOUNT_PROVIDERS = {
    "google": _social_provider(
        "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", SCOPE=["profile", "email"], AUTH_PARAMS={"prompt": "select_account"}
    ),
    "line": _social_provider("LINE_CHANNEL_ID", "LINE_CHANNEL_SECRET", SCOPE=["profile", "openid", "email"]),
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "account_login"
# A signed-in person without admin access who opens /admin/ is sent to the sign-in page (Wagtail's answer, with its
# message "You do not have permission to access the admin."); allauth's default sent them straight back to `next`,
# /admin/, which sent them to the sign-in page again: the browser gave up on a redirect loop. The sign-in page now
# shows its form to whoever is signed in, so that they can sign in with another account.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False

# --- Languages ---------------------------------------------------------------
# Traditional Chinese (Taiwan) first; English and Japanese are full translations.
LANGUAGE_CODE = "zh-hant"
# The language switch's cookie: read by the server only (no script reads it) and, like the session and CSRF cookies,
# left out of other sites' cross-site requests; production.py adds Secure.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("en", "English"),
    ("ja", "日本語"),
]
# Our catalog first; then what Wagtail's own Traditional Chinese lacks (scripts/fill_wagtail_zh_hant.py), read after
# ours and before Wagtail's apps, holding only strings Wagtail's zh_Hant leaves untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail_admin"]
# Dates per language (config/formats): 2026年12月1日 in zh-Hant and ja, 1 December 2026 in English.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True
# No Gravatar pictures in the admin: they would send a hash of each staff address to gravatar.com, and the
# Content-Security-Policy allows pictures from this host (and the media store) only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# A page created in the admin gets an alias in the other languages' trees at once (cms.actions.
# ensure_language_versions does the same for pages made in code): every page exists in every language.
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True

# --- Static files and media -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads: the media/ folder on the embedded defaults; S3-compatible object storage with MEDIA_STORAGE=s3
# (config/storage.py: pictures are public, everything else is private and served through signed, expiring URLs).
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", ["filesystem", "s3"], "filesystem")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MEDIA_STORAGE == "s3":
    from config.storage import s3_storage_options

    STORAGES["default"] = {"BACKEND": "config.storage.MediaStorage", "OPTIONS": s3_storage_options()}
# Content-Security-Policy (config/security.py): pictures come from this host, or from the object store's public
# address when media live there.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": public_policy(picture_origin(STORAGES["default"]["OPTIONS"]) if MEDIA_STORAGE == "s3" else None)
}
# Wagtail checks a document's privacy, then sends the browser to the file (a signed URL on object storage).
WAGTAILDOCS_SERVE_METHOD = "redirect" if MEDIA_STORAGE == "s3" else "serve_view"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Cache and realtime -------------------------------------------------------
# Without REDIS_URL everything stays in this process: fine for one `make run`,
# wrong for several processes, which is why production.py requires Redis.
REDIS_URL = env_str("REDIS_URL", None)
if REDIS_URL:
    # A dead or hung Redis costs a cache miss, not a page: short socket timeouts, and core.cache serves this process
    # from memory for a few seconds after a failure (rate limits keep counting there) before trying Redis again.
    CACHE_REDIS_TIMEOUT_SECONDS = float(env_str("CACHE_REDIS_TIMEOUT_SECONDS", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_REDIS_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_REDIS_TIMEOUT_SECONDS,
            },
        }
    }
    # The pub/sub flavour of the Redis channel layer: a group send is one PUBLISH, and each server process hands
    # it to its own sockets (1,000 open project pages cost one Redis message, not 1,000; see bench/README.md).
    # Groups and channels live as Redis subscriptions, so nothing is stored when no process listens.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Anonymous CMS pages are cached per language and invalidated on publish, payment and translation (cms.page_cache);
# what other apps add to a page without telling the cache ages out after PAGE_CACHE_SECONDS.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=1)
# Workers render pages for the cache (cms.page_warming): those a publish (unpublish, move, delete) made stale, once
# it commits, and a stored page read in the second half of its lifetime, so that its next visitors meet a stored
# copy rather than a render. Only with Redis: a worker's renders kept in its own memory would serve no visitor.
PAGE_CACHE_WARMING = env_bool("PAGE_CACHE_WARMING", bool(REDIS_URL))
# With the warm-up, a copy past its lifetime whose generations stand (nothing the cache is told of changed) is served
# once more while a worker renders it again, up to this long after its lifetime: a page read less often than its
# lifetime meets its readers as a stored copy. What changes without telling the cache shows within this, at worst.
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 3600, minimum=0)
# With the warm-up, after a publish, the copies stored just before it of the pages a worker renders again are served
# while it does, up to this long (it takes well under a second with a worker running): the publish shows to
# anonymous visitors once the new copy is stored, and no visitor meets the render. 0: the next visitor renders.
PAGE_CACHE_REPLACING_SECONDS = env_int("PAGE_CACHE_REPLACING_SECONDS", 30, minimum=0)
# The search page an anonymous visitor gets is shared by everyone asking the same query (search.views.search_page)
# until an index or synonym changes; this bounds what changes without a write (Elasticsearch's refresh, the date).
SEARCH_PAGE_CACHE_SECONDS = env_int("SEARCH_PAGE_CACHE_SECONDS", 30, minimum=1)
# A project's live funding progress goes out at most once in this many seconds; the payments in between are folded
# into one message at the end of the interval (payments/live.py). 0: every payment is announced by itself.
LIVE_PROGRESS_INTERVAL_SECONDS = env_int("LIVE_PROGRESS_INTERVAL_SECONDS", 1, minimum=0)

# --- Background work ----------------------------------------------------------
# The database backend lets `manage.py db_worker` run here or on other machines.
TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            ["django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"],
            "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Scheduled jobs and workers ---------------------------------------------------
# scheduling/jobs.py declares the jobs; `manage.py run_scheduler` enqueues them, `manage.py run_worker` runs tasks.
TASK_WORKER_HEARTBEAT_SECONDS = env_int("TASK_WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
# A task whose worker has been silent this long is queued again (the worker died mid-task).
TASK_WORKER_LOST_AFTER_SECONDS = env_int("TASK_WORKER_LOST_AFTER_SECONDS", 60, minimum=2)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1)
# Who hears about a scheduled job that failed after its retries (default: every active superuser).
SCHEDULER_ALERT_EMAILS = env_list("SCHEDULER_ALERT_EMAILS", [])

# --- Search -------------------------------------------------------------------
# Public discovery (the `search` app). Wagtail's admin search stays on its own
# database backend below.
HOMEWARD_SEARCH = {
    "ENGINE": env_choice("SEARCH_ENGINE", ["database", "elasticsearch"], "database"),
    "ELASTICSEARCH_URL": env_str("ELASTICSEARCH_URL", None),
    "INDEX_PREFIX": env_str("SEARCH_INDEX_PREFIX", "homeward"),
    # A hung Elasticsearch costs this long, then the database answers (the page says results may be incomplete).
    "TIMEOUT_SECONDS": env_int("SEARCH_TIMEOUT_SECONDS", 1, minimum=1),
}
if HOMEWARD_SEARCH["ENGINE"] == "elasticsearch" and not HOMEWARD_SEARCH["ELASTICSEARCH_URL"]:
    from config.env import ConfigurationError

    raise ConfigurationError("SEARCH_ENGINE=elasticsearch needs ELASTICSEARCH_URL (for example http://127.0.0.1:9200).")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Payments -------------------------------------------------------------------
# Without a secret key the site runs and payment buttons say payments are not configured.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Deliveries signed longer ago than this are refused as replays (Stripe's own default).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300, minimum=1)
# Points the stripe library at stripe-mock in tests; empty means Stripe itself.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# Where Checkout happens: "stripe" (Stripe's hosted Checkout), or "demo" (payments/gateways/demo.py: a local page
# marked "demo — no money moves" that sends Stripe-shaped events, signed with STRIPE_WEBHOOK_SECRET, to our own
# webhook). dev.py picks "demo" when there is no Stripe key; production.py refuses it.
PAYMENTS_GATEWAY = env_choice("PAYMENTS_GATEWAY", ["stripe", "demo"], "stripe")
# The demo gateway's published webhook secret (dev.py uses it when none is set); production.py refuses it.
DEMO_STRIPE_WEBHOOK_SECRET = "whsec_demo_homeward_no_money_moves"  # noqa: S105
# A hung Stripe must not hold a donor (nor a web worker): each call gets this long to connect and to answer, and is
# not retried, so the person hears "could not be reached" within 2 s and tries again (payments.stripe_api).
STRIPE_TIMEOUT_SECONDS = float(env_str("STRIPE_TIMEOUT_SECONDS", "1.5"))
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 0, minimum=0)
PLATFORM_FEE_PERCENT = env_int("PLATFORM_FEE_PERCENT", 5, minimum=0)
# Stripe's smallest TWD charge is about the value of US$0.50; NT$30 leaves room for exchange moves.
PAYMENT_MIN_AMOUNT_TWD = env_int("PAYMENT_MIN_AMOUNT_TWD", 30, minimum=1)
PAYMENT_MAX_AMOUNT_TWD = env_int("PAYMENT_MAX_AMOUNT_TWD", 1_000_000, minimum=1)
# Investment tickets and commitments are agreed between companies and teams, not paid by card here.
INVESTMENT_MIN_AMOUNT_TWD = env_int("INVESTMENT_MIN_AMOUNT_TWD", 1_000, minimum=1)
INVESTMENT_MAX_AMOUNT_TWD = env_int("INVESTMENT_MAX_AMOUNT_TWD", 1_000_000_000, minimum=1)
# A donation campaign's goal adds up many payments: far above one payment's limit (an old house rebuilt, a boat).
DONATION_GOAL_MAX_AMOUNT_TWD = env_int("DONATION_GOAL_MAX_AMOUNT_TWD", 100_000_000, minimum=1)
# A donation campaign's deadline is at most this many days from the day it is set: an all-or-nothing campaign whose
# deadline lies years ahead would hold its donors' money (and the chance of a refund) for as long.
DONATION_CAMPAIGN_MAX_DAYS = env_int("DONATION_CAMPAIGN_MAX_DAYS", 365, minimum=1)
# A backer pauses a subscription until a day at most this many days away: a longer break is a cancellation, said
# honestly (and a pause until 9999 would keep a subscription that charges no one on the team's books for ever).
SUBSCRIPTION_PAUSE_MAX_DAYS = env_int("SUBSCRIPTION_PAUSE_MAX_DAYS", 183, minimum=1)
# Staff record a bank transfer to a team at most this many days after it was made (never before): the ledger's
# payouts are dated by it, and a transfer of year 1 would move the team's balance history decades back.
PAYOUT_RECORD_MAX_DAYS_BACK = env_int("PAYOUT_RECORD_MAX_DAYS_BACK", 365, minimum=1)
# A help request's timeframe ends at most this many days from the day it is posted: a request open for decades
# would keep being offered to people (and ranked in their matches) long after anyone still needs the help.
HELP_REQUEST_MAX_DAYS = env_int("HELP_REQUEST_MAX_DAYS", 730, minimum=1)
# A plan's milestone is due at most this many years from the day it is set (and, when it is done, at most as many
# years back): a township's revitalization plan runs a few years, and 9999-12-31 is a slip, not a plan.
PLAN_MILESTONE_MAX_YEARS = env_int("PLAN_MILESTONE_MAX_YEARS", 10, minimum=1)
# An experience's, event's or volunteering shift's time slot starts at most this many days from the day it is added:
# its bookings, waitlist and reminders are for people planning this year, and the year 9999 is a typing slip.
EXPERIENCE_SLOT_MAX_DAYS = env_int("EXPERIENCE_SLOT_MAX_DAYS", 365, minimum=1)
# A traceability batch's period (the month or season of the plan whose backers receive it) lies within this many
# years of today, either side: backers look for this year's harvest, and 9999-12-31 or year 1 is a typing slip.
TRACE_BATCH_PERIOD_MAX_YEARS = env_int("TRACE_BATCH_PERIOD_MAX_YEARS", 2, minimum=1)
# A batch's record (a step of its chain) is written at most this many years after it happened: a chain is written as
# the work is done (a correction of an old step carries that step's time), and the year 1 is a typing slip.
TRACE_ENTRY_MAX_YEARS_BACK = env_int("TRACE_ENTRY_MAX_YEARS_BACK", 5, minimum=1)
# A plan meeting is recorded at most this many days after it was held (and never before): its minutes are written
# up while people remember them, and a date decades back would sort a plan's history wrongly.
PLAN_MEETING_MAX_DAYS_BACK = env_int("PLAN_MEETING_MAX_DAYS_BACK", 365, minimum=1)
# Official figures imported by staff were published by their source at most this many years ago (never in the
# future): the oldest open-data series we use start in the 1990s.
DATAHUB_SOURCE_MAX_YEARS_BACK = env_int("DATAHUB_SOURCE_MAX_YEARS_BACK", 40, minimum=1)
# Fulfilment of plans that ship goods (payments/fulfilment.py): a backer may change the delivery address of a period
# until this many days before the plan's ship day of that month; an ended subscription's address is erased this
# many days after it ended (Personal Data Protection Act: kept no longer than needed to settle a late parcel).
FULFILMENT_CUTOFF_DAYS = env_int("FULFILMENT_CUTOFF_DAYS", 3, minimum=0)
DELIVERY_ADDRESS_RETENTION_DAYS = env_int("DELIVERY_ADDRESS_RETENTION_DAYS", 90, minimum=1)

# --- Traceability and device data (traceability/README.md) ------------------------
# The Ed25519 key that signs the daily digests of every batch's chain: base64 of 32 bytes
# (`manage.py trace_signing_key` makes one). dev.py has a development key; production.py requires a real one.
TRACE_SIGNING_KEY = env_str("TRACE_SIGNING_KEY", "")
# Published keys, for development and the tests only: production.py refuses them.
DEV_TRACE_SIGNING_KEY = "Zm4k+socsuqUxfLsmPoFZ552+7NMtepBWCcJQo00kjU="  # noqa: S105
TEST_TRACE_SIGNING_KEY = "NSkZ1jxsaEv5PNih7vO06w6pWDs0TSCB8kBMvc8ZGQU="  # noqa: S105
# Public keys (base64) used before the current one, so digests they signed still verify after a rotation.
TRACE_PREVIOUS_PUBLIC_KEYS = env_list("TRACE_PREVIOUS_PUBLIC_KEYS", [])
# Raw readings older than this are pruned (hourly and daily aggregates stay); older readings are refused, and a span of
# readings can be hidden only within this many days (hiding recomputes the hours from the raw readings).
TRACE_RAW_RETENTION_DAYS = env_int("TRACE_RAW_RETENTION_DAYS", 180, minimum=2)
# Each device may post this many times a minute (counted in the cache: Redis with REDIS_URL, else this process).
TRACE_DEVICE_REQUESTS_PER_MINUTE = env_int("TRACE_DEVICE_REQUESTS_PER_MINUTE", 60, minimum=1)
TRACE_MAX_READINGS_PER_REQUEST = env_int("TRACE_MAX_READINGS_PER_REQUEST", 500, minimum=1)
# A reading may be stamped at most this far ahead of the server's clock (devices' clocks drift).
TRACE_MAX_FUTURE_SECONDS = env_int("TRACE_MAX_FUTURE_SECONDS", 300, minimum=0)
# Photos and documents (lab certificates) of batch entries.
TRACE_PHOTO_MAX_BYTES = env_int("TRACE_PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
TRACE_DOCUMENT_MAX_BYTES = env_int("TRACE_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)

# --- Email ----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Homeward <noreply@homeward.tw>")

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Homeward 地方創生"
# Every absolute link (emails, canonical and hreflang tags, the sitemap, Open Graph, feeds) starts with this: the
# default Wagtail Site takes its host and port from it after each migrate (cms.actions.follow_site_base_url).
SITE_BASE_URL = env_str("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
# Staff get one email per review event: the review task's, to the Moderators. With superusers included, a
# superuser got the task's email and the workflow's own "submitted" email as well (which goes to superusers only).
# Each email is in the recipient's language: accounts.models.User keeps Wagtail's profile language in step.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Chinese slugs make readable addresses (/zh-hant/故事/可可/).
WAGTAIL_ALLOW_UNICODE_SLUGS = True
# The image model requires alt text (cms.CustomImage); set before any migration references images.
WAGTAILIMAGES_IMAGE_MODEL = "cms.CustomImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = (
    "cms.images.AdminImageForm"  # the admin's uploads pass the wizard's gate (cms/images.py)
)
# Refused with a message that says why; Wagtail checks these before anything is stored.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000, minimum=1)
# No SVG: it can carry scripts, and Pillow cannot check it.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]


# --- Logs, metrics, errors ----------------------------------------------------------
# JSON lines (LOG_FORMAT=json, production's default) or plain text, each with the request or task id.
LOG_FORMAT = env_choice("LOG_FORMAT", ["plain", "json"], "plain")
LOG_LEVEL = env_choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR"], "INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
# /metrics answers only with this bearer token when it is set (the proxy also keeps it off the public site).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# The error tracker is off unless its DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENABLED = init_error_tracker(
    SENTRY_DSN, env_str("SENTRY_ENVIRONMENT", "production"), float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0"))
)
