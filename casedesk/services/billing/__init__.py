"""Billing: time worked on cases and the invoices made of it.

Owns time entries (``time_entries``), invoices (``invoices``) and their CSV export
(``invoice_csv``).

May use: the contexts below its row (``cases`` and down); today it needs only
``reference`` and ``kernel``.
"""
