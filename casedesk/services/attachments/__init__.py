"""Attachments: files on a case or a message.

Owns receiving files into the blob store (``files``: streamed, hashed, sniffed, with
clean names), their rows and audit records on a case (``attaching``), and uploads kept
for a later case or message (``uploads``).

May use: ``kernel``.
"""
