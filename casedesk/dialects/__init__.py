"""Dialects: the ticket APIs of other systems, spoken over casedesk's one store.

Each sub-package reproduces one system's paths, JSON shapes, field names and error
bodies below its own prefix (``/itx``, ``/trackit``, ``/superoffice``, ``/itflow``,
``/casemgmt``) so that clients written for that system work unchanged. A dialect only
translates: ``wire.py`` holds the wire format, ``mapping.py`` turns it into the service
layer's input and the service layer's output back into it, ``router.py`` calls the
use-cases, and ``errors.py`` renders domain errors in the dialect's own shape. Every rule
lives in ``casedesk.services`` / ``casedesk.domain``, so a case created through one face
is the same case, with the same rules, in every other.
"""
