"""Data-subject requests for a contact (export, anonymise, erase) and the retention
policies that anonymise or delete old closed cases; see docs/privacy.md."""
