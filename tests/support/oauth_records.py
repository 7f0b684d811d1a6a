"""What the test authorization server (``oauth_server``) keeps: its clients, the
authorization codes and tokens it issued (with the methods Authlib's grants call on
them), and the record of what it was asked."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    grant_types: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_post", "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class Token:
    access_token: str
    refresh_token: str | None
    client_id: str
    scope: str
    user: str
    issued_at: float
    expires_in: int
    client: Client
    #: The authorization server's clock.
    clock: Callable[[], float]
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def expires_at(self) -> float:
        return self.issued_at + self.expires_in

    def is_expired(self) -> bool:
        return self.clock() >= self.expires_at()

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> str:
        return self.user

    def get_client(self) -> Client:
        return self.client


@dataclass
class Seen:
    """What the server was asked: token grants, and tokens introspected (with the
    answer ``active``)."""

    grants: list[str] = field(default_factory=list)
    introspected: list[tuple[str, bool]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def note(self, action: Callable[[], None]) -> None:
        with self.changed:
            action()
            self.changed.notify_all()

    def wait_for(self, test: Callable[[], bool], timeout: float = 10.0) -> None:
        with self.changed:
            if not self.changed.wait_for(test, timeout):
                raise AssertionError(
                    f"not seen: grants {self.grants}, {len(self.introspected)} introspections"
                )
