"""casedesk: a case-management server with one store and several API faces."""

__version__ = "0.1.0"
