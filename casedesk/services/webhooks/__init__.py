"""Webhooks: telling other systems what happened to cases, over HTTP.

Owns the subscriptions a corporation keeps (``subscriptions``), turning outbox events
into deliveries after their transaction committed (``dispatch``), sending them signed
per Standard Webhooks with retries and switching a receiver off that keeps failing
(``delivery``), the delivery log with manual redelivery (``log``), and reaching only
addresses the operator allows (``transport``). It reads cases and the outbox; it never
changes a case, so it uses no case use-case. A rule asks for a delivery by writing a
``webhook.requested`` outbox event.

May use: ``cases`` (the case view only), ``reference``, ``kernel``.
"""
