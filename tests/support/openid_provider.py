"""A real OpenID provider for the single sign-on tests: panva's certified
``oidc-provider`` (pinned in ``tests/oidc/package.json``, installed by ``scripts/test``
with ``npm ci``) run with the machine's Node.js on a free loopback port.

The provider prints ``ready <issuer>`` once it listens; the fixture reads that line, so
nothing sleeps. Its accounts live in a JSON file the provider reads at every sign-in,
so a test changes someone's claims by writing the file. Each client of ``CLIENTS``
but ``casedesk`` gets its ID tokens altered on the way (``tests/oidc/provider.mjs``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc"
#: Where casedesk lives in the tests (its CASEDESK_PUBLIC_URL) and the redirect URI.
PUBLIC_URL = "http://testserver"
AFTER_SIGN_OUT = f"{PUBLIC_URL}/console/sign-in"
SECRET = "a-client-secret-of-the-tests"
#: Clients whose ID tokens the provider alters, by how.
TAMPERED = ("signature", "foreign-key", "audience", "nonce", "issuer", "expired")
CLIENTS = ("casedesk", *(f"tamper-{mode}" for mode in TAMPERED))


@dataclass
class OpenIdProvider:
    issuer: str
    accounts_file: Path

    def set_account(self, account_id: str, **claims: Any) -> None:
        """Create or replace an account; its claims count from the next sign-in."""
        accounts = json.loads(self.accounts_file.read_text())
        accounts[account_id] = claims
        self.accounts_file.write_text(json.dumps(accounts))


def _node() -> str:
    node = shutil.which("node") or "/usr/bin/node"
    if not Path(node).exists():
        pytest.fail("Node.js is missing: scripts/test installs it (apt-get install nodejs npm)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        pytest.fail(f"oidc-provider is not installed: run `npm ci` in {PROVIDER_DIR}")
    return node


@contextmanager
def running_provider(folder: Path, public_url: str = PUBLIC_URL) -> Iterator[OpenIdProvider]:
    """The provider, its clients sending browsers back to casedesk at ``public_url``;
    stopped on leaving."""
    accounts = folder / "accounts.json"
    accounts.write_text("{}")
    config = folder / "config.json"
    config.write_text(
        json.dumps(
            {
                "accounts": str(accounts),
                "clients": [
                    {
                        "client_id": client,
                        "client_secret": SECRET,
                        "redirect_uris": [
                            f"{public_url}/console/sign-in/oidc/callback",
                            f"{public_url}/portal/sign-in/oidc/callback",
                        ],
                        "post_logout_redirect_uris": [f"{public_url}/console/sign-in"],
                        **(
                            {"tamper": client.removeprefix("tamper-")}
                            if client != "casedesk"
                            else {}
                        ),
                    }
                    for client in CLIENTS
                ],
            }
        )
    )
    # Its log goes to a file: a pipe nobody reads would stop it once full.
    log = folder / "provider.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [_node(), str(PROVIDER_DIR / "provider.mjs"), str(config)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("ready "):
            process.kill()
            process.wait()
            pytest.fail(f"the OpenID provider did not start: {line}{log.read_text()}")
        yield OpenIdProvider(line.split()[1], accounts)
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIdProvider]:
    """The provider for casedesk at ``PUBLIC_URL`` (the tests' HTTP client)."""
    with running_provider(tmp_path_factory.mktemp("openid-provider")) as provider:
        yield provider


def visit_provider(browser: httpx.Client, url: str, *, account: str, mfa: bool = False) -> str:
    """Follow the provider's redirects from ``url`` as a browser would, signing in as
    ``account`` on its form when it asks; the address it finally sends the browser to
    back at casedesk."""
    for _ in range(20):
        if url.startswith(PUBLIC_URL):
            return url
        answer = browser.get(url)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["location"])
            continue
        if answer.status_code == 200 and 'name="login"' in answer.text:
            action = answer.text.split('action="', 1)[1].split('"', 1)[0]
            form = {"login": account} | ({"mfa": "1"} if mfa else {})
            posted = browser.post(urljoin(url, action), data=form)
            assert posted.is_redirect, posted.text
            url = urljoin(url, posted.headers["location"])
            continue
        if answer.status_code == 200 and "logout" in answer.text:
            return url
        raise AssertionError(f"the provider answered {answer.status_code}: {answer.text[:500]}")
    raise AssertionError("the provider kept redirecting")


def local(url: str) -> str:
    """The path and query of an address at casedesk, for the test client."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")
