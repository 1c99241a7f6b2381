"""The experiences in the Wagtail admin (menu: Experiences): staff look at every experience, its time slots and
the bookings, with filters and search. Organisers change them on the public site through experiences.actions
(their permission checks, refunds and audit entries); nothing here adds, edits or deletes one."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.admin_columns import money, yes_no
from core.admin_inspect import ReadableInspectView
from core.admin_staff_actions import StaffActionInspectMixin, StaffActionView
from core.admin_viewsets import RecordViewSet
from core.languages import inline_list
from core.money import format_twd
from experiences import actions, queries
from experiences.models import Booking, Experience, Slot

for _model in (Experience, Slot, Booking):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


class UnpublishExperienceView(StaffActionView):
    model = Experience
    permission = actions.MODERATE_PERMISSION
    inspect_url_name = "experiences_admin:inspect"
    icon = "date"
    page_title = _("Unpublish this experience?")
    explanation = (
        _("It stops showing on the site and can no longer be booked. People who booked keep their places."),
        _(
            "Its organisation's members are told that our staff unpublished it, and why. They can publish it again "
            "once they have dealt with your reason."
        ),
    )
    submit_label = _("Unpublish the experience")
    done_message = _("“%(name)s” is unpublished, and its team is told why.")
    nothing_to_do_message = _("“%(name)s” is not published: nothing changed.")

    def action(self, user, experience, *, reason):
        return actions.unpublish_experience_as_staff(user, experience, reason=reason)

    def is_done(self, experience):
        return not experience.is_published


class ExperienceInspectView(StaffActionInspectMixin, ReadableInspectView):
    staff_action_view_class = UnpublishExperienceView
    staff_action_url_name = "experiences_admin:unpublish"

    def get_languages_display_value(self):
        return inline_list(self.object.language_labels()) or "—"


class BookingInspectView(ReadableInspectView):
    def get_payment_display_value(self):
        """The payment's state and amount, linked to its screen among the backings (not Python's text for it)."""
        payment = self.object.payment
        if payment is None:
            return "—"
        return format_html(
            '<a href="{}">{} · {}</a>',
            reverse("backings_admin:inspect", args=[payment.pk]),
            format_twd(payment.amount_twd),
            payment.get_status_display(),
        )


class ExperienceViewSet(RecordViewSet):
    model = Experience
    icon = "date"
    inspect_view_class = ExperienceInspectView
    list_display = [
        "title_zh",
        "organisation",
        "kind",
        "township",
        money(Experience, "price_twd"),
        yes_no(Experience, "is_published"),
        "created",
    ]
    list_filter = ["kind", "is_published", "cancellation_rule", "township__county"]
    search_fields = ["title_zh", "title_en", "title_ja", "organisation__name"]
    ordering = ["-created"]
    money_fields = ["price_twd"]
    inspect_view_fields = [
        "title_zh",
        "title_en",
        "title_ja",
        "organisation",
        "kind",
        "township",
        "meeting_point",
        "price_twd",
        "languages",
        "minimum_age",
        "cancellation_rule",
        "accessibility",
        "what_to_bring",
        "description_zh",
        "is_published",
        "created_by",
        "created",
        "updated",
    ]

    def staff_queryset(self):
        return queries.experiences_for_staff()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("unpublish/<id:pk>/", UnpublishExperienceView.as_view(), name="unpublish"),
        ]


class SlotViewSet(RecordViewSet):
    model = Slot
    icon = "time"
    list_display = [
        "experience",
        "starts_at",
        "ends_at",
        "capacity",
        Column("taken", label=capfirst(_("places taken")), sort_key="taken"),
        Column("waiting", label=capfirst(_("on the waitlist")), sort_key="waiting"),
        "status",
    ]
    list_filter = ["status", "starts_at", "experience__kind"]
    search_fields = ["experience__title_zh", "experience__title_en", "experience__organisation__name"]
    ordering = ["-starts_at"]
    inspect_view_fields = ["experience", "starts_at", "ends_at", "capacity", "status", "created"]

    def staff_queryset(self):
        return queries.slots_for_staff()


class BookingViewSet(RecordViewSet):
    model = Booking
    icon = "tick-inverse"
    inspect_view_class = BookingInspectView
    list_display = ["person", "slot", "status", money(Booking, "price_twd"), "created"]
    list_filter = ["status", "cancelled_by_organiser", "created"]
    search_fields = ["person__email", "person__display_name", "slot__experience__title_zh"]
    ordering = ["-created"]
    money_fields = ["price_twd"]
    inspect_view_fields = [
        "slot",
        "person",
        "status",
        "price_twd",
        "payment",
        "age_confirmed",
        "created",
        "offer_expires_at",
        "hold_expires_at",
        "reminded_at",
        "attended_at",
        "cancelled_at",
        "cancelled_by_organiser",
        "refund_percent",
    ]

    def staff_queryset(self):
        return queries.bookings_for_staff()


class ExperiencesGroup(ViewSetGroup):
    menu_label = _("Experiences")
    menu_icon = "date"
    menu_order = 330
    items = (ExperienceViewSet("experiences_admin"), SlotViewSet("experience_slots"), BookingViewSet("bookings_admin"))


@hooks.register("register_admin_viewset")
def register_experiences_viewsets():
    return ExperiencesGroup()
