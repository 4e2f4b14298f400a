"""One measurement in a fresh interpreter: one client library, one scenario.

Prints exactly one JSON line on standard output: the result, or why there is none.
``run.py`` starts this script once per measurement; run it by hand to debug one::

    python benchmarks/_client.py --lib aiohttp --scenario seq \\
        --base-url http://127.0.0.1:PORT --quick

``--check`` only reports whether the library can run (for aioclient, whether its
``ClientSession`` exists yet) and its version.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import platform
import sys
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any

from _measure import Meter, raise_fd_limit
from scenarios import SCENARIOS, Context, implementations

LIBRARIES = ("aioclient", "aiohttp", "httpx")


class Unavailable(Exception):
    """The library cannot run the benchmarks in this environment."""


def load(name: str) -> ModuleType:
    """Import the client library ``name``; raise Unavailable if it cannot run."""
    if name not in LIBRARIES:
        raise Unavailable(f"unknown library {name!r}")
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise Unavailable(f"cannot import {name}: {exc}") from exc
    needed = "AsyncClient" if name == "httpx" else "ClientSession"
    if not hasattr(module, needed):
        raise Unavailable(f"{name}.{needed} does not exist yet")
    return module


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    if name == "asyncio":
        return None
    if name == "uvloop":
        try:
            import uvloop
        except ImportError as exc:
            raise Unavailable(f"uvloop is not installed: {exc}") from exc
        return uvloop.new_event_loop
    raise Unavailable(f"unknown event loop {name!r}")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    scenario = SCENARIOS[args.scenario]
    module = load(args.lib)
    factory = loop_factory(args.loop)
    function = implementations("httpx" if args.lib == "httpx" else "aiohttp")[
        scenario.name
    ]
    meter = Meter()
    amount = scenario.quick if args.quick else scenario.amount
    ctx = Context(
        base_url=args.base_url, amount=amount, meter=meter, repeat=scenario.repeat
    )
    with asyncio.Runner(loop_factory=factory) as runner:
        outcome = runner.run(function(module, ctx))
    return {
        "status": "ok",
        "ops": outcome.ops,
        "unit": scenario.unit,
        "bytes": outcome.bytes,
        "wall_s": meter.wall,
        "cpu_s": meter.cpu,
        "rss_before": meter.rss_before,
        "rss_delta": meter.rss_delta,
        "peak_delta": meter.peak_delta,
        "peak_exact": meter.peak_was_reset,
        "server_accepted": ctx.accepted,
        "server_open_after": ctx.open_after,
        "server_cpu_s": ctx.server_cpu,
    }


def check(args: argparse.Namespace) -> dict[str, Any]:
    module = load(args.lib)
    loop_factory(args.loop)
    return {"status": "ok", "version": str(getattr(module, "__version__", "?"))}


def main() -> int:
    parser = argparse.ArgumentParser(description="One benchmark measurement.")
    parser.add_argument("--lib", required=True, choices=LIBRARIES)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--base-url", default="")
    parser.add_argument("--loop", default="asyncio", choices=["asyncio", "uvloop"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    raise_fd_limit()
    result: dict[str, Any] = {
        "lib": args.lib,
        "scenario": args.scenario,
        "loop": args.loop,
        "python": platform.python_version(),
    }
    try:
        if args.check:
            result.update(check(args))
        elif args.scenario is None or not args.base_url:
            parser.error("--scenario and --base-url are required without --check")
        else:
            result.update(measure(args))
    except Unavailable as exc:
        result.update(status="unavailable", reason=str(exc))
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        result.update(status="error", reason=f"{type(exc).__name__}: {exc}")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
