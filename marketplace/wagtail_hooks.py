import django_filters
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import JudgedNotAddedPermissionPolicy, ReadOnlyPermissionPolicy
from core.admin_columns import YesNoColumn, yes_no
from core.admin_edits import ActionEditView
from core.admin_inspect import ReadableInspectView
from core.spreadsheets import SpreadsheetSafeExportMixin
from marketplace import actions, admin_views, queries
from marketplace.models import AbuseReport, Answer, EnterpriseProfile, Interest, ProjectListing, Question

# The pipeline is changed by companies and teams on the public site; staff look and export, never edit.
register_permission_policy(Interest, ReadOnlyPermissionPolicy(Interest))
# Made on the public site by their people; staff verify or hide them, never add or delete them here.
for _model in (EnterpriseProfile, Question, Answer):
    register_permission_policy(_model, JudgedNotAddedPermissionPolicy(_model))
# Staff resolve a report with the button of its page (marketplace.actions.resolve_abuse_report: the date is now),
# not by typing a date in a form.
register_permission_policy(AbuseReport, ReadOnlyPermissionPolicy(AbuseReport))


class PostEditView(ActionEditView):
    """A question's or an answer's edit screen shows the text with the project (and question) it belongs to."""

    template_name = "marketplace/admin/post_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = self.object if isinstance(self.object, Question) else self.object.question
        context.update(
            project=question.listing.project,
            project_label=capfirst(ProjectListing._meta.get_field("project").verbose_name),
            question=None if question is self.object else question,
            question_label=capfirst(Question._meta.verbose_name),
            text_label=capfirst(type(self.object)._meta.get_field("text").verbose_name),
            author_label=capfirst(_("written by")),
        )
        return context


class HideQuestionEditView(PostEditView):
    save_action_for = actions.set_question_hidden


class HideAnswerEditView(PostEditView):
    save_action_for = actions.set_answer_hidden


class InterestPipelineIndexView(SpreadsheetSafeExportMixin, IndexView):
    def get_base_queryset(self):
        return Interest.objects.select_related("company__organisation", "project__township__county", "project__sector")


class InterestPipelineViewSet(ModelViewSet):
    """Staff see the interest pipeline by county, sector and stage, and export it (CSV or XLSX)."""

    model = Interest
    index_view_class = InterestPipelineIndexView
    icon = "resubmit"
    menu_label = _("Interest pipeline")
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    list_display = ["company", "project", "stage", "committed_amount_twd", "updated"]
    list_filter = ["stage", "project__township__county", "project__sector"]
    list_export = [
        "company.organisation.name",
        "company.unified_business_number",
        "project.title",
        "project.township.county.name_zh",
        "project.township.name_zh",
        "project.sector.name_zh",
        "stage",
        "committed_amount_twd",
        "committed_instrument",
        "created",
        "updated",
    ]
    export_headings = {
        "company.organisation.name": _("company"),
        "company.unified_business_number": _("unified business number (統一編號)"),
        "project.title": _("project"),
        "project.township.county.name_zh": _("county"),
        "project.township.name_zh": _("township"),
        "project.sector.name_zh": _("sector"),
    }
    export_filename = "interest-pipeline"
    search_fields = ["company__organisation__name", "project__title"]
    ordering = ["-updated"]
    list_per_page = 50
    form_fields = []


@hooks.register("register_admin_viewset")
def register_interest_pipeline_viewset():
    return InterestPipelineViewSet("interest_pipeline")


# --- enterprises: staff verify them -----------------------------------------------------------


class EnterpriseProfileViewSet(ModelViewSet):
    model = EnterpriseProfile
    icon = "group"
    menu_label = _("Enterprises")
    add_to_admin_menu = True
    menu_order = 300
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    list_display = ["organisation", "township", "team_size", "members_returned_home", "verified_at"]
    list_filter = ["verified_at"]
    search_fields = ["organisation__name", "summary"]
    ordering = ["verified_at", "organisation__name"]
    list_per_page = 50
    form_fields = ["summary", "website", "facebook_url", "instagram_url"]
    inspect_template_name = "marketplace/admin/enterprise_inspect.html"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("verify/", admin_views.verify_enterprise, name="verify"),
        ]


def abuse_report_target_url(report):
    """The admin screen of what a report points at (where staff hide or show it)."""
    if report.answer_id:
        return reverse("answers:edit", args=[report.answer_id])
    return reverse("questions:edit", args=[report.question_id])


class AbuseReportFilterSet(WagtailFilterSet):
    target_hidden = django_filters.BooleanFilter(label=capfirst(_("hidden now")))

    class Meta:
        model = AbuseReport
        fields = ["resolved_at"]


class AbuseReportIndexView(IndexView):
    def get_base_queryset(self):
        return queries.abuse_reports_for_staff()


class AbuseReportViewSet(ModelViewSet):
    model = AbuseReport
    icon = "warning"
    menu_label = _("Abuse reports")
    add_to_admin_menu = True
    menu_order = 310
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["reporter", "question", "answer", "reason", "created", "resolved_at"]
    inspect_template_name = "marketplace/admin/abuse_report_inspect.html"
    inspect_view_class = admin_views.AbuseReportInspectView
    index_view_class = AbuseReportIndexView
    list_display = [
        "reason",
        TitleColumn("target", label=capfirst(_("reported post")), get_url=abuse_report_target_url),
        YesNoColumn("target_hidden", label=capfirst(_("hidden now")), sort_key="target_hidden"),
        "reporter",
        "created",
        "resolved_at",
    ]
    filterset_class = AbuseReportFilterSet
    search_fields = ["reason", "question__text", "answer__text", "reporter__email", "reporter__display_name"]
    ordering = ["resolved_at", "-created"]
    form_fields = []

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("resolve/", admin_views.resolve_abuse_report, name="resolve")]


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["text", "listing", "created", yes_no(Question, "hidden")]
    list_filter = ["hidden"]
    search_fields = ["text", "listing__project__title", "author__email", "author__display_name"]
    form_fields = ["hidden"]
    edit_view_class = HideQuestionEditView


class AnswerViewSet(ModelViewSet):
    model = Answer
    icon = "comment"
    menu_label = _("Answers")
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["text", "question", "created", yes_no(Answer, "hidden")]
    list_filter = ["hidden"]
    search_fields = ["text", "question__text", "author__email", "author__display_name"]
    form_fields = ["hidden"]
    edit_view_class = HideAnswerEditView


@hooks.register("register_admin_viewset")
def register_marketplace_viewsets():
    return [
        EnterpriseProfileViewSet("enterprises"),
        AbuseReportViewSet("abuse_reports"),
        QuestionViewSet("questions"),
        AnswerViewSet("answers"),
    ]
