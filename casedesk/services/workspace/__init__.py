"""The agent's workspace on a case: the composer.

Owns sending from the composer (a reply or note with its To and CC, files, time spent
and a new status, all in one write: ``composer``), the composer's drafts kept per agent,
case and tab (``drafts``), and mentions of agents in notes, who are notified by mail and
become followers (``mentions``).

May use: ``mail``, ``billing``, ``canned``, ``cases``, ``attachments``, ``reference``,
``identity``, ``kernel``.
"""
