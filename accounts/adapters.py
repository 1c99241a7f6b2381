"""allauth adapters: remember the language a person uses, write to them in it, bring them back to it."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@dataclass(frozen=True)
class EmailSite:
    """What allauth's email templates read of `current_site`."""

    name: str
    domain: str


def _current_language():
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def _link_in_language(url, language):
    """A link of this site made in the request's language (allauth builds them before the mail is written), as the
    same page in the language the mail is written in; anything else as it is."""
    source = translation.get_language_from_path(urlsplit(url).path)
    if not source or source == language:
        return url
    with translation.override(source):  # the path resolves only under its own language's prefix
        return translate_url(url, language)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.preferred_language = _current_language()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        from accounts.models import User

        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or _current_language()
        # allauth's emails greet and sign off with the site's name: without django.contrib.sites that would be the
        # request's host ("Hello from 127.0.0.1:8000!"); they name Homeward and its public host (SITE_BASE_URL's).
        site = EmailSite(name="Homeward", domain=urlsplit(settings.SITE_BASE_URL).netloc)
        context = {**context, "current_site": site}
        # The links (confirm, reset, sign up) open in the language the mail is written in, not the page's.
        for key, value in context.items():
            if key.endswith("_url") and isinstance(value, str):
                context[key] = _link_in_language(value, language)
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        language = getattr(request.user, "preferred_language", None)
        if language not in LANGUAGE_CODES:
            language = _current_language()
        return f"/{language}/"

    def get_signup_redirect_url(self, request):
        # Where confirming the email leads, decided at sign-up before anyone is signed in: the home page in the
        # language of the sign-up, not the bare "/" (which would follow the browser's language instead).
        return self.get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        sociallogin.user.preferred_language = _current_language()
        return super().save_user(request, sociallogin, form=form)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        # Whoever can open an admin keeps their authenticator app: the admin requires it (accounts.middleware).
        from accounts.staff import reaches_an_admin

        if authenticator.type == authenticator.Type.TOTP and reaches_an_admin(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
