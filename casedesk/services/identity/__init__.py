"""Identity: who is calling and how they proved it.

Owns sign-in and principals (``auth``), agent accounts (``users``), console sessions
(``web_sessions``), second factors (``second_factors``, ``passkeys``, the sign-in's
``second_step``, and secrets sealed at rest in ``sealing``), the portal's sign-in links
for contacts (``portal_sign_in``), single sign-on through OpenID providers (their
settings in ``sso_providers``, the relying party in ``oidc``, the accounts it signs in
in ``sso_accounts``) and the accounts the channels act as
(``channel_accounts``), and each person's time zone and
language (``preferences``).

May use: ``kernel``.
"""
