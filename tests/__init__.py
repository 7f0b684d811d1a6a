"""casedesk test suite."""
