"""The ITFlow ticket API (seed 002: ``read.php?api_key=``), under /itflow."""
