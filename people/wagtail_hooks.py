"""People in the Wagtail admin (menu: People and help): the talent profiles people offer, the help organisations
ask for and the offers that match the two, with filters and search. Each changes only through people.actions
(its owner's or requester's permission check, notifications, audit entry): nothing here adds, edits or deletes."""

from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.admin_columns import yes_no
from core.admin_inspect import ReadableInspectView
from core.admin_staff_actions import StaffActionInspectMixin, StaffActionView
from core.admin_viewsets import RecordViewSet
from core.languages import inline_list
from people import actions, queries
from people.models import HelpRequest, Offer, TalentProfile

for _model in (TalentProfile, HelpRequest, Offer):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


class TalentProfileInspectView(ReadableInspectView):
    """The fields and languages a person chose, by their names rather than the codes stored."""

    def get_fields_display_value(self):
        return inline_list(str(label) for label in self.object.field_labels) or "—"

    def get_languages_display_value(self):
        return inline_list(str(label) for label in self.object.language_labels) or "—"

    def get_sectors_display_value(self):
        return inline_list(str(sector) for sector in self.object.sectors.all()) or "—"

    def get_townships_display_value(self):
        return inline_list(str(township) for township in self.object.townships.all()) or "—"


class TalentProfileViewSet(RecordViewSet):
    model = TalentProfile
    icon = "user"
    inspect_view_class = TalentProfileInspectView
    list_display = [
        "user",
        "headline",
        Column("kind", label=capfirst(_("who they are")), accessor="get_kind_display", sort_key="kind"),
        "home_township",
        "visibility",
        yes_no(TalentProfile, "pro_bono"),
        "updated",
    ]
    list_filter = ["kind", "visibility", "work_format", "pro_bono"]
    search_fields = ["headline", "skills", "about", "user__email", "user__display_name"]
    ordering = ["-updated"]
    inspect_view_fields = [
        "user",
        "kind",
        "headline",
        "about",
        "fields",
        "skills",
        "sectors",
        "languages",
        "home_township",
        "townships",
        "hours_per_month",
        "work_format",
        "available_from",
        "available_until",
        "pro_bono",
        "fee_note",
        "visibility",
        "contact_email",
        "contact_phone",
        "contact_other",
        "created",
        "updated",
    ]

    def staff_queryset(self):
        return queries.profiles_for_staff()


class CloseHelpRequestView(StaffActionView):
    model = HelpRequest
    permission = actions.MODERATE_PERMISSION
    inspect_url_name = "help_requests_admin:inspect"
    icon = "help"
    page_title = _("Close this help request?")
    explanation = (
        _(
            "It stops taking offers. The offers still waiting for an answer are declined, with thanks, and the people "
            "who made them are told; offers already accepted go on."
        ),
        _("The organisation's members are told that our staff closed it, and why."),
    )
    submit_label = _("Close the help request")
    done_message = _("“%(name)s” is closed, and its organisation is told why.")
    nothing_to_do_message = _("“%(name)s” is already closed: nothing changed.")

    def action(self, user, help_request, *, reason):
        return actions.close_help_request_as_staff(user, help_request, reason=reason)

    def is_done(self, help_request):
        return help_request.status == HelpRequest.Status.CLOSED


class HelpRequestInspectView(StaffActionInspectMixin, ReadableInspectView):
    staff_action_view_class = CloseHelpRequestView
    staff_action_url_name = "help_requests_admin:close"


class HelpRequestViewSet(RecordViewSet):
    model = HelpRequest
    icon = "help"
    inspect_view_class = HelpRequestInspectView
    list_display = [
        "title",
        "organisation",
        "field",
        "township",
        "ends_on",
        Column("offer_count", label=capfirst(_("offers")), sort_key="offer_count"),
        "status",
    ]
    list_filter = ["status", "field", "work_format", "pro_bono", "township__county"]
    search_fields = ["title", "description", "organisation__name"]
    ordering = ["-created"]
    money_fields = ["budget_twd"]
    inspect_view_fields = [
        "title",
        "organisation",
        "created_by",
        "description",
        "field",
        "sector",
        "township",
        "work_format",
        "starts_on",
        "ends_on",
        "budget_twd",
        "pro_bono",
        "status",
        "created",
    ]

    def staff_queryset(self):
        return queries.help_requests_for_staff()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("close/<id:pk>/", CloseHelpRequestView.as_view(), name="close"),
        ]


class OfferViewSet(RecordViewSet):
    model = Offer
    icon = "link"
    list_display = ["profile", "help_request", "status", "created", "changed"]
    list_filter = ["status", "changed"]
    search_fields = ["help_request__title", "profile__headline", "profile__user__email", "profile__user__display_name"]
    ordering = ["-changed"]
    inspect_view_fields = [
        "help_request",
        "profile",
        "status",
        "message",
        "created",
        "changed",
        "person_rating",
        "person_feedback",
        "requester_rating",
        "requester_feedback",
    ]

    def staff_queryset(self):
        return queries.offers_for_staff()


class PeopleGroup(ViewSetGroup):
    menu_label = _("People and help")
    menu_icon = "group"
    menu_order = 340
    items = (
        TalentProfileViewSet("talent_profiles"),
        HelpRequestViewSet("help_requests_admin"),
        OfferViewSet("help_offers"),
    )


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleGroup()
