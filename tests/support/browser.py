"""Debian's Chromium, started headless for Playwright (the browser tests and the docs'
screenshots)."""

from __future__ import annotations

import shutil

from playwright.sync_api import Browser, Playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Without these Chromium keeps trying to reach Google's services, which a closed
#: network refuses, and the sandbox needs privileges a container may lack.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
