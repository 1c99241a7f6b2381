from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import Ministry
from core.forms import NamedChoiceField, Textarea
from places.models import County, Township
from policy.models import RegulatoryIssue


class IssueForm(forms.ModelForm):
    class Meta:
        model = RegulatoryIssue
        fields = ["organisation", "rule", "township", "blocks", "proposal", "show_identity"]
        widgets = {"blocks": Textarea(attrs={"rows": 4}), "proposal": Textarea(attrs={"rows": 4})}
        error_messages = {
            "rule": {"required": _("Say which rule is the obstacle.")},
            "township": {"required": _("Say where the rule is an obstacle: choose the township.")},
            "blocks": {"required": _("Say what the rule blocks.")},
            "proposal": {"required": _("Propose what should change.")},
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        self.fields["township"].queryset = Township.objects.select_related("county").order_by("code")
        self.fields["township"].label_from_instance = lambda township: f"{township.county.name} {township.name}"


class RouteForm(forms.Form):
    ministry = NamedChoiceField(label=_("Route to"), queryset=Ministry.objects.all())


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RegulatoryIssue.Outcome.choices)
    answer = forms.CharField(label=_("The ministry's answer"), widget=Textarea(attrs={"rows": 4}), required=False)


class IssueFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("All"))] + RegulatoryIssue.Outcome.choices, required=False
    )
    ministry = NamedChoiceField(
        label=_("Ministry"), queryset=Ministry.objects.all(), required=False, to_field_name="slug", empty_label=_("All")
    )
    county = NamedChoiceField(
        label=_("County"), queryset=County.objects.all(), required=False, to_field_name="code", empty_label=_("All")
    )
