"""The HTTP client of the API tests, for the requests and policies set over HTTP."""

from tests.api.conftest import app, client

__all__ = ["app", "client"]
