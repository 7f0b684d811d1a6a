"""Reports: the dashboards' figures and the per-case facts they are read from.

Owns ``case_facts`` and the job that keeps them current (``rollups``), the reports'
arithmetic (``figures``), their shape (``schemas``), the dashboards' queries under the
caller's segregation (``dashboards``) and a table as CSV (``table_csv``). It only reads
cases and their history.

May use: ``sla``, ``kernel``.
"""
