"""Forms of the CMS: the staff's form for a support programme, the public catalogue's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.models import Ministry, Sector, SupportProgramme
from cms.models.snippets import APPLICANT_KINDS
from core.forms import NamedChoiceField


class SupportProgrammeAdminForm(WagtailAdminModelForm):
    """The structured rules as tick boxes; an unknown ministry, a reversed amount range or dates are refused."""

    applicant_kinds = forms.MultipleChoiceField(
        label=_("who may apply"),
        choices=list(APPLICANT_KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Kinds of organisation; none ticked means any."),
    )
    stages = forms.MultipleChoiceField(
        label=_("stages"),
        choices=SupportProgramme.Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked means any stage."),
    )

    class Meta:
        error_messages = {
            "ministry": {
                "invalid_choice": _("Unknown ministry: choose one from the list (staff add ministries first).")
            }
        }


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters; every value is whitelisted by its choices."""

    q = forms.CharField(label=_("Search the programmes"), required=False, max_length=100)
    ministry = NamedChoiceField(
        label=_("Ministry"), queryset=Ministry.objects.all(), required=False, to_field_name="slug", empty_label=_("All")
    )
    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=[("", _("All"))] + SupportProgramme.Kind.choices, required=False
    )
    sector = NamedChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="slug", empty_label=_("All")
    )
    applicant = forms.ChoiceField(
        label=_("Who may apply"), choices=[("", _("Anyone"))] + list(APPLICANT_KINDS.items()), required=False
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
