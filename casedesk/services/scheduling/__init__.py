"""Scheduling: what happens to cases by the clock, without anyone asking.

Owns recurring cases opened from templates (``schedules``) and the closing of resolved
cases after their waiting time (``auto_close``). The SLA sweep is ``sla``'s.

May use: ``cases``, ``sla``, ``identity``, ``reference``, ``kernel``.
"""
