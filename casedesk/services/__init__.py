"""Use-cases: the only code that changes state. Each public function is one transaction
that checks the caller's rights, applies the domain rules, and writes its audit record
and outbox events together with the change."""
