"""SLA bookkeeping: a case's targets, their state, breaches and escalation alerts.

Owns loading what the SLA rules read (policies, calendars, clock histories, message
times: ``inputs``), the rules fed with a case's facts (``evaluation``), the stored SLA
state of each case, its refresh after every change and by the sweep, breaches and
escalation (``state``), and the time metrics a case view shows (``case_times``).

It sits below ``cases`` on purpose: every case use-case that changes what the SLA
depends on refreshes the case's SLA state in the same transaction.

May use: ``kernel``.
"""
