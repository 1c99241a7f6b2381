from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from places.models import Township


class ProfileForm(forms.ModelForm):
    home_township = forms.ModelChoiceField(
        queryset=Township.objects.with_county().order_by("code"),
        required=False,
        label=_("Home township"),
        help_text=_("Optional. Used for matching and the impact map only if you agree below."),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "home_township",
            "home_township_consent",
            "preferred_language",
            "notify_project_updates",
            "notify_recommendations",
            "notify_messages",
        ]
        help_texts = {
            "display_name": _("Shown on your public contributions. Leave empty to stay unnamed."),
            "preferred_language": _("Used for our emails and after you sign in."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_township"].label_from_instance = lambda township: f"{township.county.name} {township.name}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("home_township_consent") and not cleaned.get("home_township"):
            self.add_error("home_township_consent", _("Choose a home township first, or leave this unticked."))
        return cleaned


class OrganisationCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=120)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = organisation.role_choices()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = organisation.role_choices()


class DeleteAccountForm(forms.Form):
    email = forms.EmailField(label=_("Type your email address to confirm"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not the email address of your account."))
        return email
