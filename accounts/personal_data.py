"""The registry of personal data providers (Taiwan's Personal Data Protection Act).

Each app that keeps personal data registers one named provider in its
AppConfig.ready(): `export(user)` returns JSON-serialisable data for the
download, `erase(user)` removes what may go and anonymises what the law
requires to be kept (financial records), before the user row is deleted.
Deleting an account calls every provider in registration order, inside one
transaction (accounts.actions.delete_account); no signals are involved.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataProvider:
    name: str
    export: Callable
    erase: Callable


_providers: dict[str, PersonalDataProvider] = {}


def register_provider(name, *, export, erase):
    """Register (or replace, so reloading an app is harmless) the provider called `name`."""
    _providers[name] = PersonalDataProvider(name=name, export=export, erase=erase)


def unregister_provider(name):
    _providers.pop(name, None)


def get_providers():
    return list(_providers.values())
