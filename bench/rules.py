"""Cost of the rules engine per case event, with 100 and 1,000 active triggers.

Two figures for each size:

1. **evaluation**: the pure part of every active trigger (its conditions compiled once,
   ``domain.rules.compile_conditions``, as the engine caches them) against one
   event's facts: the work that grows with the number of rules;
2. **per update**: a real ``update_case`` on a SQLite file with the engine installed,
   minus the same update with no trigger, so what the engine adds to a write: reading
   the facts of the case once, evaluating every trigger, and acting on the few that match.

The triggers look like a real desk's: three to five conditions over priority, group,
title words, tags, custom fields and the message; one in fifty matches and adds a tag.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casedesk.domain.rules import Facts, compile_conditions
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseCreate, CasePatch
from casedesk.services.identity.auth import authenticate_token, create_token
from casedesk.services.identity.users import add_user
from casedesk.services.rules import engine
from casedesk.services.rules.definitions import RuleIn, create_rule
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade

WORDS = ("printer", "vpn", "invoice", "login", "laptop", "server", "backup", "license")


def make_rule(i: int, rng: random.Random) -> dict[str, Any]:
    """A trigger on case updates; every fiftieth one matches the bench's case."""
    hit = i % 50 == 0
    leaves: list[dict[str, Any]] = [
        {"field": "case.priority_id", "op": "in", "value": [1, 2, 3] if hit else [90, 91]},
        {"field": "case.title", "op": "contains", "value": rng.choice(WORDS)},
        {"field": "case.tags", "op": "contains", "value": "vip" if hit else f"t{i}"},
    ]
    if i % 3 == 0:
        leaves.append({"field": "case.custom.contract", "op": "eq", "value": "gold"})
    if i % 5 == 0:
        leaves.append({"field": "message.text", "op": "matches", "value": r"(?i)\bdown\b"})
    tree: dict[str, Any] = {"all": leaves} if hit else {"any": [{"all": leaves}, leaves[0]]}
    return {
        "name": f"rule {i}",
        "events": ["case_updated"],
        "conditions": tree,
        "actions": [{"type": "add_tags", "tags": [f"hit{i}"]}] if hit else [],
    }


def evaluation(n: int, events: int) -> float:
    """Milliseconds per event to evaluate ``n`` triggers."""
    rng = random.Random(n)
    rules = [compile_conditions(make_rule(i, rng)["conditions"]) for i in range(n)]
    facts = Facts(
        {
            "case.priority_id": 2,
            "case.title": "The printer on floor 3 is down",
            "case.tags": ["vip", "printer"],
            "case.custom.contract": "gold",
            "message.text": "It is DOWN again",
        },
        datetime.now(UTC),
    )
    started = time.perf_counter()
    for _ in range(events):
        for test in rules:
            test(facts)
    return (time.perf_counter() - started) * 1000 / events


def per_update(n: int, updates: int, workdir: Path) -> float:
    """Milliseconds per ``update_case`` with ``n`` triggers installed (median of runs)."""
    url = f"sqlite:///{workdir / f'rules-{n}.db'}"
    upgrade(url)
    db = Database(url)
    try:
        add_user(db, "bench@example.test", "admin", "bench-password-1")
        principal = authenticate_token(db, create_token(db, "bench@example.test")[1])
        rng = random.Random(n)
        for i in range(n):
            create_rule(db, principal, "trigger", RuleIn(**make_rule(i, rng)))
        case = cases.open_case(
            db, principal, CaseCreate(title="The printer on floor 3 is down", tags=["vip"])
        )
        engine.install()
        times = []
        for round_ in range(updates):
            started = time.perf_counter()
            cases.update_case(db, principal, case.id, CasePatch(description=f"round {round_}"))
            times.append((time.perf_counter() - started) * 1000)
        engine.uninstall()
        return statistics.median(times)
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2_000, help="events evaluated per size")
    parser.add_argument("--updates", type=int, default=200, help="updates timed per size")
    args = parser.parse_args()
    print(f"{'rules':>6} {'evaluation ms/event':>20} {'update ms':>10} {'added ms':>9}")
    with tempfile.TemporaryDirectory(prefix="casedesk-rules-bench-") as tmp:
        base = per_update(0, args.updates, Path(tmp))
        print(f"{0:>6} {0.0:>20.4f} {base:>10.3f} {0.0:>9.3f}")
        for n in (100, 1_000):
            cost = evaluation(n, args.events if n <= 100 else max(args.events // 10, 1))
            update = per_update(n, args.updates, Path(tmp))
            print(f"{n:>6} {cost:>20.4f} {update:>10.3f} {update - base:>9.3f}", flush=True)


if __name__ == "__main__":
    main()
