"""The email channel: IMAP polling and raw-mail intake in, SMTP delivery of the outbox out.

Protocol and parsing live here; every change to the store goes through the services
(``services.mail.intake`` in, ``services.mail.notifications`` out).
"""
