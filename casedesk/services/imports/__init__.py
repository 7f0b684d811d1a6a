"""Imports: loading a desk from a file (``casedesk import``).

Owns the import format (``records``: JSON lines and CSV), the turning of its names into
the corporation's rows (``resolving``, ``building``), the attachments it carries
(``files``) and the batched, resumable load with its ledger (``loading``). Cases are
opened through ``cases.opening`` and what they bring along is written by
``cases.bulk``, so an imported case follows the rules of one opened through the API.

May use: ``cases``, ``attachments``, ``identity``, ``kernel``.
"""
