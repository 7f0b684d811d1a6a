"""The customer as agents work with them: a case opened for a caller (picked or new)
in one write, the customer's cases beside a case, merging duplicate contacts, and
inviting a contact to the portal or resetting their access.

Uses ``cases`` (opening, messages, search), ``reference`` (contacts, organizations),
``attachments`` (uploads), ``identity`` (sign-in links) and ``kernel``; sits on the
row of ``mail`` and ``portal``, which it does not use.
"""
