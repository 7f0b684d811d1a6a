"""Secrets sealed at rest open only with the deployment's secret key."""

from __future__ import annotations

import pytest

from casedesk.services.identity.sealing import seal, unseal


def test_a_sealed_value_opens_with_its_key_only() -> None:
    sealed = seal("key one", "JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert unseal("key one", sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(ValueError, match="CASEDESK_SECRET_KEY"):
        unseal("key two", sealed)
    with pytest.raises(ValueError):
        unseal("key one", sealed[:-4] + "AAAA")
