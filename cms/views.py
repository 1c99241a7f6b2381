from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms.actions import mark_review_notices_read, review_notices_for


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /*/accounts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_required
def review_notices(request):
    """What moderators decided about the projects this person submitted; viewing marks them read."""
    notices = list(review_notices_for(request.user)[:50])
    mark_review_notices_read(request.user)
    return render(request, "cms/review_notices.html", {"notices": notices})
