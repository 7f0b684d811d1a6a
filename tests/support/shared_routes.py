"""Routes built once per test run, not once per test.

FastAPI builds the routes an app includes lazily: the first request that reaches an
included router builds every route of that router (it reads each endpoint's signature
and makes the validators of its parameters and answers), a few milliseconds a route.
casedesk has some 270 routes and every test builds its own app over its own database
and settings, so before this the suite spent a third of its time building the same
routes again and again.

What FastAPI builds for a route depends only on the route and on how its router is
included, which is the same in every app ``create_app`` makes: the app itself is only
consulted for ``dependency_overrides``, which casedesk does not use (``install``
refuses an app that has some). So the first build of each route is kept and handed to
every later app that includes the same route in the same way. Each test still has its
own app, database, settings and state; the requests run through the same FastAPI code.

This reaches into FastAPI's private ``_EffectiveRouteContext`` (FastAPI is pinned);
``install`` fails loudly if a new FastAPI moved it, rather than letting the suite
silently slow down again.
"""

from __future__ import annotations

from typing import Any

from fastapi import routing
from fastapi.datastructures import DefaultPlaceholder

_Key = tuple[int, tuple[Any, ...]]
#: Built route contexts, with the route and include context they were built from (kept
#: alive, so that their ids in the key are not reused by other objects).
_built: dict[_Key, tuple[Any, Any, Any]] = {}


def _freeze(value: Any) -> Any:
    """A hashable stand-in for one field of an include context: plain values as they
    are, containers item by item, and anything else by identity (routers, dependency
    callables, classes: the same objects in every app)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple((_freeze(k), _freeze(v)) for k, v in value.items())
    if isinstance(value, DefaultPlaceholder):  # a new one per app: compare its value
        return ("default", _freeze(value.value))
    return ("object", id(value))


def _include_key(include_context: Any) -> tuple[Any, ...]:
    fields = vars(include_context)
    return tuple(
        (name, _freeze(value))
        for name, value in sorted(fields.items())
        if name != "dependency_overrides_provider"
    )


def install() -> None:
    """Make every app of this process share the routes it builds (module docstring)."""
    context_class = getattr(routing, "_EffectiveRouteContext", None)
    build = getattr(context_class, "from_api_route", None)
    if context_class is None or build is None:
        raise RuntimeError(
            "fastapi.routing._EffectiveRouteContext.from_api_route is gone: "
            "update or remove tests/support/shared_routes.py"
        )
    if getattr(build, "_shared", False):
        return
    original = build.__func__

    def from_api_route(cls: Any, *, original_route: Any, include_context: Any) -> Any:
        provider = include_context.dependency_overrides_provider
        if getattr(provider, "dependency_overrides", None):
            raise RuntimeError("shared routes cannot honour an app's dependency_overrides")
        key = (id(original_route), _include_key(include_context))
        hit = _built.get(key)
        if hit is not None:
            return hit[0]
        context = original(cls, original_route=original_route, include_context=include_context)
        _built[key] = (context, original_route, include_context)
        return context

    from_api_route._shared = True  # type: ignore[attr-defined]
    context_class.from_api_route = classmethod(from_api_route)
