"""SLA bookkeeping: a case's targets, their state, breaches and escalation alerts.

Owns the inputs the SLA rules read (policies, calendars, pauses: ``inputs``), the
stored SLA state of each case and its refresh after every change and by the sweep
(``state``), and the time metrics a case view shows (``case_times``).

It sits below ``cases`` on purpose: every case use-case that changes what the SLA
depends on refreshes the case's SLA state in the same transaction.

May use: ``kernel``.
"""
