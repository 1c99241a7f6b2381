from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from core.mail import subject_line
from notifications.actions import EMAIL_CHOICE_FOR_KIND
from notifications.models import Notification


@task()
def email_notification(notification_id):
    """Email one notification in the platform's language; safe to run twice (sends once)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "site_url": settings.SITE_BASE_URL,
            "recipient": recipient,
            # Kinds without a profile choice (decisions about the person's own submissions, failed payments, a plan's
            # next step) are always emailed: the footer must not promise a setting that does not exist.
            "by_choice": notification.kind in EMAIL_CHOICE_FOR_KIND,
            # Where the choices are changed, in the recipient's language (the footer says so, with the address).
            "choices_url": reverse("account_profile"),
        }
        subject = subject_line("notifications/email_subject.txt", context)
        body = render_to_string("notifications/email_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
