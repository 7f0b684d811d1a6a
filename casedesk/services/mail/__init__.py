"""Mail: the email channel, both ways.

Owns turning incoming mail (``incoming``) into cases and messages (``intake``,
``inbound_messages``), finding the case a reply belongs to (``threading``), who may
write in (``senders``), the mailboxes read and their settings (``mailboxes``,
``mailbox_admin``), mail held back for review (``quarantine``), and the notification
mails about case events: who gets which (``notification_plans``) and delivery's
bookkeeping (``notifications``).

May use: ``cases``, ``attachments``, ``reference``, ``identity``, ``kernel``.
"""
