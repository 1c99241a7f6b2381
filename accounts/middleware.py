"""Everyone who can open an admin reaches it only through allauth's sign-in and only with two-factor authentication.

Who that is: accounts.staff.reaches_an_admin (is_staff, is_superuser or Wagtail's access_admin permission).
While they are there, every admin request speaks the language they chose (User.preferred_language).
"""

from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.staff import reaches_an_admin

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# The admins' own sign-in forms would skip MFA: they send people to allauth's sign-in instead.
ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(ADMIN_PREFIXES):
            if path in ADMIN_LOGIN_PATHS:
                next_url = request.GET.get("next") or path.removesuffix("login/")
                return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
            user = request.user
            admin_person = reaches_an_admin(user)
            if admin_person and not is_mfa_enabled(user):
                # /admin/ has no language prefix: set-up speaks the person's language, not the site's default.
                language = user.preferred_language or translation.get_language_from_request(request)
                with translation.override(language):
                    messages.warning(
                        request,
                        _("Accounts that can open the admin need two-factor authentication. Set it up to continue."),
                    )
                    return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': path})}")
            if admin_person and user.preferred_language:
                # Wagtail speaks the person's language inside its views, but it catches a refusal around them and
                # writes its "no permission" message there: the whole admin request speaks their language.
                with translation.override(user.preferred_language):
                    return self.get_response(request)
        return self.get_response(request)
        return self.get_response(request)
        return self.get_response(request)
