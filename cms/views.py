from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms.actions import mark_review_notices_read, project_edit_url, review_notices_for
from cms.forms import CatalogueFilterForm
from cms.models import ReviewNotice, SupportProgramme
from cms.programme_queries import catalogue_programmes


@require_safe
@cache_control(max_age=86400, public=True)
@require_safe
@cache_control(max_age=86400, public=True)
def favicon_ico(request):
    """/favicon.ico, which browsers ask for whatever the page says (site/static/brand/favicon.ico)."""
    return FileResponse(open(finders.find("brand/favicon.ico"), "rb"), content_type="image/x-icon")  # noqa: SIM115


@require_safe
@cache_control(max_age=86400, public=True)
def web_manifest(request):
    """The web app manifest: name, colours and app icons (site/static/brand, drawn by scripts/build_app_icons.py)."""
    icons = [
        {"src": static("brand/logo.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("brand/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("brand/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("brand/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    manifest = {
        "name": "Homeward 地方創生",
        "short_name": "Homeward",
        "description": "Homeward：企業、市民與返鄉青年一起投入台灣鄉鎮的地方創生。",
        "lang": "zh-Hant-TW",
        "start_url": "/",
        "scope": "/",
        "display": "minimal-ui",
        "background_color": "#fbfaf6",
        "theme_color": "#1f5e4a",
        "icons": icons,
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /*/accounts/",
        f"Sitemap: {settings.SITE_BASE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_required
@require_safe
def review_notices(request):
    """What moderators decided about the projects this person submitted; viewing marks them read."""
    notices = list(review_notices_for(request.user)[:50])
    for notice in notices:  # a project sent back links where its team makes the changes
        notice.edit_url = project_edit_url(notice.project) if notice.decision == ReviewNotice.Decision.REJECTED else ""
    mark_review_notices_read(request.user)
    return render(request, "cms/review_notices.html", {"notices": notices})


@require_safe
def programme_catalogue(request):
    """The public catalogue of support programmes, with filters (ministry, kind, sector, who may apply, open now)."""
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    programmes = catalogue_programmes(**{name: value for name, value in filters.items() if value})
    page = Paginator(programmes, 20).get_page(request.GET.get("page"))
    return render(request, "cms/programme_catalogue.html", {"form": form, "page": page, "today": timezone.localdate()})


@require_safe
def programme_detail(request, pk):
    programme = get_object_or_404(
        SupportProgramme.objects.select_related("ministry").prefetch_related("sectors", "townships__county"), pk=pk
    )
    context = {
        "programme": programme,
        "today": timezone.localdate(),
        "is_open": programme.is_open_on(timezone.localdate()),
    }
    return render(request, "cms/programme_detail.html", context)
