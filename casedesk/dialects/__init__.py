"""Dialects: faces that speak, field for field, the ticket APIs described in the seeds
(each under its own prefix), so clients written for those systems work unchanged. Each
dialect only translates its wire format to service calls and back; every rule lives in
``casedesk.services`` and ``casedesk.domain``."""
