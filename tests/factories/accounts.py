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
