import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from accounts.models import User

PASSWORD = "a-long-Homeward-passphrase-2026"


class UserFactory(DjangoModelFactory):
    """A person who signs in with PASSWORD; `verified=False` leaves the email address unverified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda number: f"person{number}@example.tw")

    @classmethod
    def _create(cls, model_class, *args, email, **fields):
        return model_class.objects.create_user(email, PASSWORD, **fields)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=extracted is not False, primary=True)


def verified_organisation(user, **fields):
    """An organisation `user` creates through the action, then verified as staff would verify it: a public body or
    university posts help requests and publishes experiences only once verified."""
    from django.utils import timezone

    from accounts import actions

    organisation = actions.create_organisation(user, **fields)
    organisation.verified_at = timezone.now()
    organisation.save(update_fields=["verified_at"])
    return organisation
