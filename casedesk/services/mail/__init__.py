"""Mail: the email channel, both ways.

Owns turning incoming mail into cases and messages (``intake``), finding the case a
reply belongs to (``threading``), who may write in (``senders``), the mailboxes read
and their settings (``mailboxes``, ``mailbox_admin``), mail held back for review
(``quarantine``) and the notification mails sent about case events
(``notifications``).

May use: ``cases``, ``attachments``, ``reference``, ``identity``, ``kernel``.
"""
