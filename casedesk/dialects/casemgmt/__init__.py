"""The Case Management API 2.0 (seed 004), under /casemgmt."""
