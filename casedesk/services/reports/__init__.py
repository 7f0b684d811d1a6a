"""Reports: what leaves casedesk for other systems and operators, read from the cases.

Owns the change feed (``changes``, woken by ``commit_signal``), case exports
(``export_columns``, ``exports``, ``export_jobs``) and the business metrics on
``/metrics`` (``metrics``).

May use: the contexts below its row (``cases`` and down). It only reads cases; the one
thing it writes is its own export jobs.
"""
