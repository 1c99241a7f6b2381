"""Admin screens for the CMS snippets: sectors, SDGs, support programmes, review notices."""

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.permission_policies import ReadOnlyPermissionPolicy
from cms.forms import SupportProgrammeAdminForm
from cms.models import Ministry, ReviewNotice, Sector, SupportProgramme, SustainableDevelopmentGoal
from core.admin_columns import yes_no
from core.admin_inspect import ReadableInspectView


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    list_display = ["name_zh", "name_en", "name_ja", "slug"]
    search_fields = ["name_zh", "name_en", "name_ja"]


class SDGViewSet(SnippetViewSet):
    model = SustainableDevelopmentGoal
    icon = "globe"
    list_display = ["number", "name_zh", "name_en", "name_ja"]
    ordering = ["number"]


class MinistryViewSet(SnippetViewSet):
    model = Ministry
    icon = "site"
    list_display = ["name_zh", "name_en", "name_ja", "slug"]
    search_fields = ["name_zh", "name_en", "name_ja"]


class SupportProgrammeViewSet(SnippetViewSet):
    model = SupportProgramme
    icon = "doc-full"
    list_display = [
        "name",
        "ministry",
        "kind",
        "opens_on",
        "closes_on",
        yes_no(SupportProgramme, "seeded_from_paper"),
        yes_no(SupportProgramme, "is_example"),
    ]
    list_filter = ["kind", "ministry", "seeded_from_paper", "is_example"]
    search_fields = ["name", "name_en", "name_ja", "summary_zh", "eligibility"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("ministry"),
                    FieldPanel("name"),
                    FieldPanel("name_en"),
                    FieldPanel("name_ja"),
                    FieldPanel("kind"),
                ],
                heading=_("Programme"),
            ),
            MultiFieldPanel(
                [FieldPanel("summary_zh"), FieldPanel("summary_en"), FieldPanel("summary_ja")], heading=_("Summary")
            ),
            MultiFieldPanel(
                [FieldPanel("amount_min"), FieldPanel("amount_max"), FieldPanel("opens_on"), FieldPanel("closes_on")],
                heading=_("Amounts and dates"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("applicant_kinds"),
                    FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("for_priority_areas"),
                    FieldPanel("townships"),
                    FieldPanel("stages"),
                    FieldPanel("eligibility"),
                ],
                heading=_("Who may apply"),
            ),
            MultiFieldPanel(
                [FieldPanel("url"), FieldPanel("contact"), FieldPanel("seeded_from_paper"), FieldPanel("is_example")],
                heading=_("Link and contact"),
            ),
        ],
        base_form_class=SupportProgrammeAdminForm,
    )


# What the moderators told a project's submitter (cms.actions.record_review_notice, from the review workflow): a
# record of what the person received, never written, rewritten or removed by hand.
register_permission_policy(ReviewNotice, ReadOnlyPermissionPolicy(ReviewNotice))


class ReviewNoticeViewSet(SnippetViewSet):
    model = ReviewNotice
    icon = "mail"
    list_display = ["project", "user", "decision", "created_at"]
    list_filter = ["decision"]
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView


class CatalogueGroup(SnippetViewSetGroup):
    menu_label = _("Catalogues")
    menu_icon = "folder-open-inverse"
    items = (SectorViewSet, SDGViewSet, MinistryViewSet, SupportProgrammeViewSet, ReviewNoticeViewSet)


register_snippet(CatalogueGroup)


@hooks.register("register_admin_urls")
def register_translation_queue_url():
    from cms.admin_views import NeedsTranslationView

    return [path("reports/needs-translation/", NeedsTranslationView.as_view(), name="cms_needs_translation")]


@hooks.register("register_reports_menu_item")
def register_translation_queue_menu_item():
    return MenuItem(_("Needs translation"), reverse("cms_needs_translation"), icon_name="globe", order=700)


@hooks.register("before_serve_page")
def count_page_visit(page, request, serve_args, serve_kwargs):
    """A read of a public page adds one to its translation group's counter for the day: no personal data, one
    Redis increment (cms.visit_counter; flushed to cms.models.visits every minute), no database write on the
    request; the "needs translation" queue sorts by it."""
    from cms.page_warming import is_warming
    from cms.visit_counter import count_visit

    if request.method == "GET" and not getattr(request, "is_preview", False) and not is_warming(request):
        count_visit(page.translation_key)


@hooks.register("before_serve_page")
def remember_page_for_the_cache(page, request, serve_args, serve_kwargs):
    """An anonymous render may be stored in the page cache (cms.page_cache): note what it depends on, before it
    starts, so that a change during the render leaves the stored copy stale rather than wrong."""
    from cms.page_cache import page_served

    page_served(page, request)
