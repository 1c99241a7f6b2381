from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.forms import NamedChoiceField, NameField
from places.models import County, Township


class ResetPasswordForm(AllauthResetPasswordForm):
    """Asking for a password reset gives the same answer for every address, known or not: the page cannot be used
    to learn who has an account. The mail tells the owner of the address which case it is (a reset link, or that
    no account uses it and where to sign up)."""

    def clean_email(self):
        try:
            return super().clean_email()
        except forms.ValidationError:
            # allauth refuses an address no account uses (ACCOUNT_PREVENT_ENUMERATION is off for sign-up's sake):
            # that one refusal is dropped; an address refused for any other reason still is.
            if getattr(self, "users", None) != []:
                raise
            return self.cleaned_data["email"]


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
        field_classes = {"display_name": NameField}
        labels = {
            # The model's label predates the people's digest: the same choice also brings help requests and events.
            "notify_recommendations": _("Recommendations that match me: projects, help requests and experiences"),
        }
        help_texts = {
            "notify_recommendations": _(
                "By email as well as in your notifications: the weekly digest and new requests from organisations "
                "you follow."
            ),
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
    name = NameField(label=_("Name"), max_length=120)
    township = NamedChoiceField(
        label=_("Township"),
        queryset=Township.objects.select_related("county").order_by("county__code", "code"),
        required=False,
        help_text=_("Required for a township office; where it is based for other kinds."),
    )
    county = NamedChoiceField(
        label=_("County or city"),
        queryset=County.objects.order_by("code"),
        required=False,
        help_text=_("Required for a county or city government."),
    )
    usr_programme = forms.BooleanField(
        label=_("In the University Social Responsibility (USR) programme"),
        required=False,
        help_text=_("Universities only."),
    )

    def clean(self):
        from accounts.actions import check_organisation_place
        from core.actions import ActionRefused

        cleaned = super().clean()
        kind = cleaned.get("kind")
        try:
            check_organisation_place(kind, cleaned.get("township"), cleaned.get("county"))
        except ActionRefused as refused:
            field = {"township_office": "township", "county_government": "county"}.get(kind)
            if cleaned.get("township") and cleaned.get("county"):
                field = "township"
            self.add_error(field, refused.message)
        return cleaned


class OrganisationForm(forms.Form):
    name = NameField(label=_("Name"), max_length=120)


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
