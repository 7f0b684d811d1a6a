"""Reports: what leaves casedesk for other systems and operators, read from the cases,
and the dashboards' figures.

Owns the change feed (``changes``, woken by ``commit_signal``), case exports
(``export_columns``, ``exports``, ``export_jobs``), the business metrics on
``/metrics`` (``metrics``), and the dashboards: ``case_facts`` and the job that keeps
them current (``rollups``), the reports' arithmetic (``figures``), their shape
(``schemas``), the dashboards' queries under the caller's segregation (``dashboards``)
and a table as CSV (``table_csv``).

May use: the contexts below its row (``cases`` and down). It only reads cases; what it
writes is its own export jobs and derived facts.
"""
