from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from accounts.admin_account import staff_account_view
from cms.sitemap import MultilingualSitemap
from cms.views import favicon_ico, robots_txt, web_manifest
from config import health
from config.metrics_view import metrics_view
from payments.views.webhooks import stripe_webhook

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics_view, name="prometheus-django-metrics"),
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Before Wagtail's own account screen, which asks our people for a first and a last name they do not have.
    path("admin/account/", staff_account_view(), name="wagtailadmin_account"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("api/search/", include("search.api_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": MultilingualSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon_ico, name="favicon_ico"),
    path("manifest.webmanifest", web_manifest, name="web_manifest"),
    path("", include("traceability.urls_root")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    # The person's own pages (profile, personal data, deletion) beside allauth's sign-in pages.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("conversations/", include("conversations.urls")),
    path("organisations/", include("accounts.urls_organisations")),
    path("invitations/<str:token>/", account_views.invitation, name="invitation"),
    path("townships/", include("places.urls")),
    path("figures/", include("datahub.urls")),
    path("search/", include("search.urls")),
    path("impact/", include("impact.urls")),
    path("trace/", include("traceability.urls")),
    path("plans/", include("plans.urls")),
    path("people/", include("people.urls")),
    path("regulatory-issues/", include("policy.urls")),
    path("experiences/", include("experiences.urls")),
    path("", include("marketplace.urls")),
    path("", include("payments.urls")),
    path("", include("cms.urls")),
    # Wagtail's catch-all page server must stay last.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
