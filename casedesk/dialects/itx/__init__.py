"""The ITX EMS cases API (seed 000) under ``/itx``."""
