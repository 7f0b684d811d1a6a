"""Attachments: files on a case or a message.

Owns receiving and storing uploads in the blob store, their rows and audit records
(``attaching``), and uploads kept for a later message (``uploads``).

May use: ``kernel``.
"""
