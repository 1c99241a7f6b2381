"""Every free-text field of the posting forms counts text that shows nothing (zero-width characters) as empty."""

import pytest
from django import forms
from django.db import models

from core.forms import Textarea, TextField
from marketplace import forms as marketplace_forms
from marketplace.models import EnterpriseProfile
from people import forms as people_forms

POSTING_FORMS = [
    value
    for module in (marketplace_forms, people_forms)
    for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
]


@pytest.mark.parametrize("form_class", POSTING_FORMS, ids=lambda form_class: form_class.__name__)
def test_every_free_text_field_is_a_text_field(form_class):
    plain = [name for name, field in form_class.base_fields.items() if type(field) is forms.CharField]
    assert plain == []


def test_a_model_forms_long_text_is_a_text_area_that_reads_one_kind_of_line_break():
    summary = marketplace_forms.EnterpriseProfileForm.base_fields["summary"]
    assert isinstance(summary, TextField) and isinstance(summary.widget, Textarea)
    assert isinstance(marketplace_forms.CompanyProfileForm.base_fields["csr_contact_email"], forms.EmailField)


@pytest.mark.django_db
@pytest.mark.postgres
def test_an_enterprise_summary_of_zero_width_characters_is_stored_empty(client, cms_site, team, alice, kouhu):
    client.force_login(alice)
    data = {"township": kouhu.pk, "team_size": 5, "members_returned_home": 2, "summary": "\u200b\u200d\ufeff"}

    response = client.post(f"/en/enterprises/{team.slug}/edit/", data)

    assert response.status_code == 302
    assert EnterpriseProfile.objects.get(organisation=team).summary == ""
    assert type(EnterpriseProfile._meta.get_field("summary")) is models.TextField
