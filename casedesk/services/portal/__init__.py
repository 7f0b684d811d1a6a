"""Portal: what a customer contact sees and may do.

Owns which cases a contact may reach (``access``), the customer's view of their cases
and messages (``reads``) and the cases and replies they write (``writes``). Signing in
is identity's (``identity.portal_sign_in``).

May use: ``cases``, ``attachments``, ``identity``, ``kernel``.
"""
