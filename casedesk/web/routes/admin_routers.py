"""Every admin page's router, for ``casedesk.web.install``."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.web.routes import admin_home, admin_users

ROUTERS: tuple[APIRouter, ...] = (
    admin_home.router,
    admin_users.router,
)
