"""Rules: triggers on case events, time-based automations and macros.

Owns the rules (``store.models.rules``), their evaluation against a case and its event
(the vocabulary is ``domain.rules``), and the actions they take, which go through the
case use-cases in the transaction of the event that fired them, audited as
``rule:<id>``. It sits above ``cases`` and every context of the row below it; nothing
below imports it: the wiring of each process calls :func:`engine.install`, which
registers the engine with ``kernel.event_hooks`` so every face, channel and job goes
through the triggers.

Uses: cases, reference, sla, identity, kernel.
"""
