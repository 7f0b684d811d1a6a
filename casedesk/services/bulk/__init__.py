"""Bulk work: one change asked for many cases, each case changed through the single-case
use-cases (so each is checked and audited as if changed alone); large requests run as a
background job with progress and a summary of what failed and why."""
