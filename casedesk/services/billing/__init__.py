"""Billing: time worked on cases and the invoices made of it.

Owns time entries (``time_entries``), invoices (``invoices``) and their CSV export
(``invoice_csv``).

May use: ``cases``, ``reference``, ``kernel`` and the contexts below them.
"""
