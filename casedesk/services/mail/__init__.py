"""Mail: the email channel, both ways.

Owns turning incoming mail (``incoming``) into cases and messages (``intake``,
``inbound_messages``), finding the case a reply belongs to (``threading``), who may
write in (``senders``), the mailboxes read and their settings (``mailboxes``,
``mailbox_admin``), the OAuth2 sign-in of mailboxes at Microsoft 365 or Google
(``mailbox_oauth``, ``mailbox_tokens``), mail held back for review (``quarantine``),
and the notification mails about case events: who gets which (``notification_plans``, from the
case's mails of ``case_mails``) and delivery's bookkeeping (``notifications``).

May use: ``cases``, ``attachments``, ``reference``, ``identity``, ``kernel``.
"""
