from django.conf import settings
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from notifications.messages import Message

BODY_EXCERPT_LENGTH = 280


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    class Kind(models.TextChoices):
        MATCHING_PROJECT = "matching_project", _("A new project matches your interests")
        NEW_INTEREST = "new_interest", _("A company is interested in your project")
        NEW_QUESTION = "new_question", _("A new question about your project")
        SUBMISSION_APPROVED = "submission_approved", _("Your project was approved")
        SUBMISSION_REJECTED = "submission_rejected", _("Your project needs changes")
        PAYMENT_FAILED = "payment_failed", _("A payment failed")
        CONVERSATION_REPLY = "conversation_reply", _("A reply in a conversation")
        PROJECT_UPDATE = "project_update", _("An update from a project you back")
        CAMPAIGN_RESULT = "campaign_result", _("A donation campaign has ended")
        TRACE_ALERT = "trace_alert", _("A device reading is outside its limits")
        TRACE_ALERT_BACKER = "trace_alert_backer", _("News from the pond or field you back")
        PARCEL_SHIPPED = "parcel_shipped", _("Your subscription's goods are on their way")
        HELP_OFFER = "help_offer", _("An offer of help, or an answer to yours")
        FOLLOWED_REQUEST = "followed_request", _("A township office you follow asks for help")
        BOOKING_CONFIRMED = "booking_confirmed", _("Your place on an experience is confirmed")
        BOOKING_OFFER = "booking_offer", _("A place freed up for an experience you wait for")
        BOOKING_REMINDER = "booking_reminder", _("An experience you booked is tomorrow")
        BOOKING_CANCELLED = "booking_cancelled", _("An experience you booked was cancelled")
        PLAN_STEP = "plan_step", _("A revitalization plan moved on to its next step")
        BOOKING_WITHDRAWN = "booking_withdrawn", _("Someone gave up their place on your experience")
        BOOKING_UNCLAIMED = "booking_unclaimed", _("A freed place on your experience found nobody to take it")
        STAFF_ACTION = "staff_action", _("Our staff unpublished, closed or revoked something of your team's")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # The title and body as source text and parameters (notifications.messages.Message.as_data), read again in the
    # reader's language each time they are shown; empty for a notification written in one language only (older ones,
    # or text of people's own), which `title` and `body` then give as they were written.
    title_message = models.JSONField(_("title to translate"), default=dict, blank=True)
    body_message = models.JSONField(_("body to translate"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self):
        return self.title

    @property
    def shown_title(self):
        """The title in the active language when it was kept as a message the catalog still knows, else as stored."""
        return _shown(self.title_message, self.title, limit=self._meta.get_field("title").max_length)

    @property
    def shown_body(self):
        return _shown(self.body_message, self.body)

    @property
    def body_excerpt(self):
        """The body as a list of notifications shows it: a company's 2,000-character note to a team filled a phone's
        screen with one row. The whole text is on the page the notification opens (and in its email)."""
        return Truncator(self.shown_body).chars(BODY_EXCERPT_LENGTH)

    @property
    def is_unread(self):
        return self.read_at is None


def _shown(data, stored, limit=None):
    message = Message.from_data(data)
    text = message.render() if message is not None else None
    if text is None:
        return stored
    return Truncator(text).chars(limit) if limit else text
