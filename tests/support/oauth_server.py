"""A small but real OAuth2 authorization server for the OAuth2 mailbox tests, built from
Authlib's server components and served on loopback by ``http.server``.

It serves ``/authorize`` (authorization code with PKCE, consent given at once for the
user ``user``, unless told to refuse), ``/token`` (the ``authorization_code`` and
``refresh_token`` grants; a refresh hands out a new refresh token and retires the old),
``/introspect`` (RFC 7662, for Dovecot's OAuth2 passdb, with HTTP Basic client
authentication) and ``/tokeninfo``. Its clock is its own: ``advance`` moves it, so a
test lets an access token expire without waiting. Every token request and every
introspection is recorded, and ``wait_for`` blocks until a recorded one is seen.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from tests.support.oauth_records import Client, Code, Seen, Token

USER = "support"
CLIENT_ID = "casedesk-mail"
CLIENT_SECRET = "mail-client-secret"
#: The client Dovecot authenticates as when it asks about a token.
INTROSPECTOR_ID = "dovecot"
INTROSPECTOR_SECRET = "dovecot-secret"


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(
        self, method: str, uri: str, headers: Any, query: dict[str, str], form: dict[str, str]
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._args, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class OAuthServer(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, base_url: str, access_life: int) -> None:
        super().__init__(scopes_supported=None)
        self.base_url = base_url
        self.clients: dict[str, Client] = {
            INTROSPECTOR_ID: Client(INTROSPECTOR_ID, INTROSPECTOR_SECRET, [], ()),
        }
        self.codes: dict[str, Code] = {}
        self.tokens: list[Token] = []
        self.offset = 0.0
        self.refuse_consent = False
        #: Who signs in at ``/authorize`` and consents.
        self.user = USER
        #: Run once when the next refresh request arrives, before it is answered.
        self.before_refresh: Callable[[], None] | None = None
        self.seen = Seen()
        self.lock = threading.RLock()
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda *a, **k: secrets.token_urlsafe(24),
                refresh_token_generator=lambda *a, **k: secrets.token_urlsafe(32),
                expires_generator=access_life,
            ),
        )
        self.register_grant(_CodeGrant, [CodeChallenge(required=True)])
        self.register_grant(_RefreshGrant)
        self.register_endpoint(_Introspection)

    # -- what the tests use
    def register(self, redirect_uri: str) -> None:
        self.clients[CLIENT_ID] = Client(
            CLIENT_ID, CLIENT_SECRET, [redirect_uri], ("authorization_code", "refresh_token")
        )

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.offset += seconds

    def revoke_all(self) -> None:
        """The user withdrew consent: every token of the client stops working."""
        with self.lock:
            for token in self.tokens:
                token.revoked = True

    def find(self, **match: str) -> Token | None:
        with self.lock:
            for token in self.tokens:
                if all(getattr(token, k) == v for k, v in match.items()):
                    return token
        return None

    def active(self, access_token: str, user: str) -> bool:
        token = self.find(access_token=access_token)
        return (
            token is not None
            and token.user == user
            and not token.revoked
            and not token.is_expired()
        )

    @property
    def endpoints(self) -> dict[str, str]:
        return {
            "authorize_url": f"{self.base_url}/authorize",
            "token_url": f"{self.base_url}/token",
            "introspection_url": f"{self.base_url}/introspect",
            "tokeninfo_url": f"{self.base_url}/tokeninfo?access_token=",
        }

    # -- Authlib's hooks
    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        with self.lock:
            self.tokens.append(
                Token(
                    token["access_token"],
                    token.get("refresh_token"),
                    request.client.client_id,
                    token.get("scope", ""),
                    request.user,
                    self.now(),
                    int(token["expires_in"]),
                    request.client,
                    self.now,
                )
            )

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, headers


class _CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.codes[code] = Code(
            code,
            request.client.client_id,
            data.get("redirect_uri", ""),
            data.get("scope", ""),
            request.user,
            data.get("code_challenge"),
            data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.server.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> str:
        return authorization_code.user


class _RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        token = self.server.find(refresh_token=refresh_token)
        return token if token is not None and not token.revoked else None

    def authenticate_user(self, refresh_token: Token) -> str:
        return refresh_token.user

    def revoke_old_credential(self, refresh_token: Token) -> None:
        refresh_token.revoked = True


class _Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = ["client_secret_basic"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        server: OAuthServer = self.server
        return server.find(access_token=token_string)

    def check_permission(self, token: Token, client: Client, request: OAuth2Request) -> bool:
        return client.client_id == INTROSPECTOR_ID

    def introspect_token(self, token: Token) -> dict[str, Any]:
        return _claims(token)


def _claims(token: Token) -> dict[str, Any]:
    return {
        "active": True,
        "username": token.user,
        "client_id": token.client_id,
        "scope": token.scope,
        "token_type": "Bearer",
        "exp": int(token.expires_at()),
        "expires_in": max(1, int(token.expires_at() - token.clock())),
    }


def _handler(server: OAuthServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _request(self) -> tuple[str, _Request]:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(body)) if self.command == "POST" else {}
            uri = server.base_url + self.path
            return parts.path, _Request(self.command, uri, self.headers, query, form)

        def _answer(self, status: int, body: Any, headers: Any) -> None:
            data = body if isinstance(body, str) else json.dumps(body)
            self.send_response(status)
            for name, value in headers or []:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data.encode())))
            self.end_headers()
            self.wfile.write(data.encode())

        def do_GET(self) -> None:
            path, request = self._request()
            with server.lock:
                if path == "/authorize":
                    self._authorize(request)
                elif path == "/tokeninfo":
                    token = server.find(access_token=request.args.get("access_token", ""))
                    good = token is not None and not token.revoked and not token.is_expired()
                    server.seen.note(
                        lambda: server.seen.introspected.append(
                            (request.args.get("access_token", ""), good)
                        )
                    )
                    if good and token is not None:
                        self._answer(200, _claims(token), [("Content-Type", "application/json")])
                    else:
                        self._answer(
                            401, {"error": "invalid_token"}, [("Content-Type", "application/json")]
                        )
                else:
                    self._answer(404, {"error": "not found"}, [])

        def _authorize(self, request: _Request) -> None:
            if server.refuse_consent:
                target = request.args["redirect_uri"]
                state = request.args.get("state", "")
                self._answer(302, "", [("Location", f"{target}?error=access_denied&state={state}")])
                return
            grant = server.get_consent_grant(request=request, end_user=server.user)
            self._answer(
                *server.create_authorization_response(
                    request=request, grant_user=server.user, grant=grant
                )
            )

        def do_POST(self) -> None:
            path, request = self._request()
            hook, server.before_refresh = server.before_refresh, None
            if hook is not None and request.form.get("grant_type") == "refresh_token":
                hook()
            elif hook is not None:
                server.before_refresh = hook
            with server.lock:
                if path == "/token":
                    grant_type = request.form.get("grant_type", "")
                    answer = server.create_token_response(request)
                    server.seen.note(lambda: server.seen.grants.append(f"{grant_type}:{answer[0]}"))
                    self._answer(*answer)
                elif path == "/introspect":
                    answer = server.create_endpoint_response("introspection", request)
                    token = request.form.get("token", "")
                    server.seen.note(
                        lambda: server.seen.introspected.append(
                            (token, bool(answer[1].get("active")))
                        )
                    )
                    self._answer(*answer)
                else:
                    self._answer(404, {"error": "not found"}, [])

    return Handler


@contextmanager
def run(access_life: int = 300) -> Iterator[OAuthServer]:
    """The server on a free loopback port; access tokens live ``access_life`` seconds of
    its clock. Authlib refuses plain http unless told it is a test."""
    before = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    oauth = OAuthServer(f"http://127.0.0.1:{httpd.server_address[1]}", access_life)
    httpd.RequestHandlerClass = _handler(oauth)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield oauth
    finally:
        httpd.shutdown()
        httpd.server_close()
        if before is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = before
