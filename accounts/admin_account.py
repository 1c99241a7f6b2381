"""The staff's Account screen in the Wagtail admin (/admin/account/), fitted to our people.

Wagtail's name panel requires a first and a last name, which our accounts do not have (a person has an optional
display name, accounts.models.User), so every save of the screen, a change of admin language included, failed with
"This field is required" on two fields the person never filled. Its email field would also change the sign-in address
behind allauth's verified addresses. And the admin language lives on Wagtail's profile while our emails and the public
site follow User.preferred_language, which overwrites the profile on its next save: the choice made here must be the
person's language, or it silently reverts; Wagtail also says "saved" in the language the person just left.
"""

import functools

from django import forms
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.account import LocalePreferencesForm
from wagtail.admin.views.account import AccountView, LocaleSettingsPanel, NameEmailSettingsPanel
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from accounts.models import User
from core.forms import NameField

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        field_classes = {"display_name": NameField}
        help_texts = {"display_name": _("Shown on your public contributions. Leave empty to stay unnamed.")}


class DisplayNameSettingsPanel(NameEmailSettingsPanel):
    form_class = DisplayNameForm

    @property
    def title(self):
        return capfirst(User._meta.get_field("display_name").verbose_name)


class PersonLanguageForm(LocalePreferencesForm):
    """Wagtail's language and time zone choice, which also becomes the person's language (emails, public site)."""

    def save(self, commit=True):
        profile = super().save(commit=commit)
        language = profile.preferred_language or settings.LANGUAGE_CODE
        if commit and language in LANGUAGE_CODES and profile.user.preferred_language != language:
            profile.user.preferred_language = language
            profile.user.save(update_fields=["preferred_language"])
        return profile


class PersonLanguageSettingsPanel(LocaleSettingsPanel):
    form_class = PersonLanguageForm


class StaffAccountView(AccountView):
    replaced_panels = {
        NameEmailSettingsPanel: DisplayNameSettingsPanel,
        LocaleSettingsPanel: PersonLanguageSettingsPanel,
    }

    def get_panels(self):
        panels = super().get_panels()
        return [
            self.replaced_panels[type(panel)](panel.request, panel.user, panel.profile)
            if type(panel) in self.replaced_panels
            else panel
            for panel in panels
        ]

    def post(self, request):
        """Wagtail's save, with its message in the language the person has just chosen (Wagtail reads the profile
        before saving it, so a switch to Japanese was confirmed in Chinese)."""
        panel_forms = [panel.get_form() for panel in self.get_panels()]
        if not all(form.is_valid() or not form.is_bound for form in panel_forms):
            return self.get(request)
        with transaction.atomic():
            for form in panel_forms:
                if form.is_bound:
                    form.save()
        log(request.user, "wagtail.edit")
        # A new password must not sign the person out.
        update_session_auth_hash(request, request.user)
        with override(UserProfile.get_for_user(request.user).get_preferred_language()):
            messages.success(request, gettext("Your account settings have been changed successfully!"))
        return redirect("wagtailadmin_account")


def staff_account_view():
    """The screen as routed at /admin/account/: for staff only (Wagtail's admin access), never cached. Wagtail's
    `require_admin_access` does not carry the view's name and class over (functools.wraps), so they are carried here:
    the route reads as this module's view, where the permission tests find it."""
    view = StaffAccountView.as_view()
    return never_cache(functools.update_wrapper(require_admin_access(view), view))
