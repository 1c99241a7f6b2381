"""A person's live sockets end with their session: sign-out and a password change ask them to check again."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from core.live import recheck_sockets_of


@receiver(user_logged_out, dispatch_uid="homeward-live-sockets-logout")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        recheck_sockets_of(user.pk)


@receiver(password_changed, dispatch_uid="homeward-live-sockets-password-changed")
@receiver(password_set, dispatch_uid="homeward-live-sockets-password-set")
@receiver(password_reset, dispatch_uid="homeward-live-sockets-password-reset")
def _password_changed(sender, request, user, **kwargs):
    recheck_sockets_of(user.pk)
