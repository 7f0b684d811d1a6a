"""Surveys: asking a contact how it went when their case closes, and taking the answer.

Owns a corporation's survey settings (``settings``), sending a survey when a case
closes whichever face, rule or job closed it (``sending``: a listener on
``kernel.event_hooks``, installed by each process's wiring like the rules engine), the
signed single-use links and the answers given through them or the portal
(``answering``), and the list of answers (``results``). The mail itself goes as a
``survey.requested`` outbox event that ``mail`` plans, so the survey follows the same
delivery, hourly cap and Auto-Submitted marking as every automatic mail. The scores are
``reports``' (``reports.satisfaction``), beside the other dashboards.

An answer emits ``survey.answered`` with its rating: the rules engine offers it as the
trigger event ``survey_answered``, so a bad rating can reopen a case or mail a team lead
through any trigger an admin builds; the settings' ``on_bad`` does one of those on its
own for corporations that want it without a rule.

Uses: cases, reference, identity, kernel.
"""
