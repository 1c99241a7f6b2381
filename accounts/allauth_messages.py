"""allauth's strings whose Traditional Chinese or Japanese does not follow locale/GLOSSARY.md, listed so that our
catalogs carry them (makemessages finds them here; our catalogs come before allauth's).

allauth's zh-Hant calls the second-factor code field 「程式碼」 ("program code") and the authenticator code
「驗證器代碼」; the glossary says 驗證碼 (ja: 認証コード). Nothing imports this module at run time.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MFA_STRINGS = [
    gettext_noop("Code"),  # allauth.mfa.base.forms.AuthenticateForm, the sign-in code field
    gettext_noop("Authenticator code"),  # allauth.mfa.totp.forms, setting up the authenticator app
]
