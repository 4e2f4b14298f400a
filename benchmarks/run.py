"""Benchmark aioclient against aiohttp and httpx on loopback; print a table.

Every measurement runs in a fresh interpreter (``_client.py``) against a server
process started here (``_server.py``, one per scenario and event loop). Rounds are
interleaved, the order reversed every other round (aioclient, aiohttp, httpx, then
httpx, aiohttp, aioclient, ...), and the table shows medians. See README.md in
this folder for what each number means.

Usage::

    python benchmarks/run.py [--libs aioclient,aiohttp,httpx] [--scenarios seq,gzip]
        [--rounds 5] [--quick] [--loop asyncio,uvloop] [--json out.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import MiB  # noqa: E402
from scenarios import SCENARIOS, Scenario  # noqa: E402

LIBRARIES = ("aioclient", "aiohttp", "httpx")
LOOPS = ("asyncio", "uvloop")
REFERENCE = "aiohttp"
# A server busier than this (CPU time / wall time) may be the bottleneck.
SERVER_BUSY = 0.9
THROUGHPUT_UNIT = {"req": "req/s", "MiB": "MiB/s", "conn": "conn/s"}
# CPU per operation is shown in these units: (label, seconds per unit).
CPU_UNIT = {"req": ("us/req", 1e-6), "MiB": ("us/MiB", 1e-6), "conn": ("us/conn", 1e-6)}


def _csv(choices: Sequence[str]) -> Any:
    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if items == ["all"]:
            return list(choices)
        unknown = [item for item in items if item not in choices]
        if unknown or not items:
            raise argparse.ArgumentTypeError(
                f"choose from {', '.join(choices)} (comma-separated) or 'all'"
            )
        return items

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare aioclient, aiohttp and httpx on local loopback servers."
    )
    parser.add_argument(
        "--libs", type=_csv(LIBRARIES), default=list(LIBRARIES),
        help="client libraries, comma-separated (default: all three)",
    )  # fmt: skip
    parser.add_argument(
        "--scenarios", type=_csv(list(SCENARIOS)), default=list(SCENARIOS),
        help=f"scenarios, comma-separated (default: all): {', '.join(SCENARIOS)}",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, for trying the suite out"
    )
    parser.add_argument(
        "--loop", type=_csv(LOOPS), default=list(LOOPS),
        help="event loops, comma-separated (default: asyncio,uvloop; uvloop only "
        "if importable)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write every result here")
    parser.add_argument(
        "--list", action="store_true", help="list the scenarios and exit"
    )
    parser.add_argument(
        "--timeout", type=float, default=None,
        help="seconds one measurement may take (default 120 with --quick, else 600)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.timeout is None:
        args.timeout = 120.0 if args.quick else 600.0
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- processes -------------------------------------------------------------------


@contextmanager
def server(log_file: IO[bytes]) -> Iterator[str]:
    """Start ``_server.py``; yield its base URL; stop it (by closing its stdin)."""
    log_file.seek(0, os.SEEK_END)
    start = log_file.tell()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log_file,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        if not line.startswith("READY "):
            proc.wait(10)
            log_file.seek(start)
            output = log_file.read().decode(errors="replace")
            raise RuntimeError(f"the benchmark server did not start:\n{output}")
        yield f"http://127.0.0.1:{line.split()[1]}"
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        log_file.seek(start)
        output = log_file.read().decode(errors="replace").strip()
        if output:
            log(f"the benchmark server wrote:\n{output[-4000:]}")


def worker(args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run ``_client.py`` with ``args``; return its JSON line (or an error)."""
    command = [sys.executable, str(HERE / "_client.py"), *args]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            if result.get("status") == "error" and done.stderr:
                log(done.stderr.rstrip()[-2000:])
            return result
    tail = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
    return {"status": "error", "reason": f"no result: {tail[0]}"}


# -- results ---------------------------------------------------------------------


@dataclasses.dataclass
class Cell:
    """The medians of one library on one scenario and loop."""

    lib: str
    ok: int = 0
    rounds: int = 0
    throughput: float = 0.0
    cpu_per_op: float = 0.0
    memory: float | None = None
    spread: float = 0.0
    server_busy: float = 0.0
    note: str = ""
    #: Median over rounds of this library's throughput / the reference's in
    #: the same round, and in how many of those rounds it was at least 1.
    paired: float | None = None
    wins: int = 0
    pairs: int = 0


def summarize(scenario: Scenario, lib: str, runs: list[dict[str, Any]]) -> Cell:
    cell = Cell(lib=lib, rounds=len(runs))
    good = [run for run in runs if run.get("status") == "ok" and run["wall_s"] > 0]
    cell.ok = len(good)
    if not good:
        reasons = sorted({str(run.get("reason", "?")) for run in runs})
        status = runs[0].get("status", "error") if runs else "error"
        cell.note = f"{status}: {'; '.join(reasons)}"
        return cell
    rates = [run["ops"] / run["wall_s"] for run in good]
    cell.throughput = statistics.median(rates)
    cell.cpu_per_op = statistics.median(run["cpu_s"] / run["ops"] for run in good)
    cell.server_busy = statistics.median(
        run.get("server_cpu_s", 0.0) / run["wall_s"] for run in good
    )
    if cell.throughput > 0:
        cell.spread = (max(rates) - min(rates)) / cell.throughput
    if scenario.memory == "peak":
        cell.memory = statistics.median(run["peak_delta"] for run in good)
    elif scenario.memory == "per-conn":
        cell.memory = statistics.median(run["rss_delta"] / run["ops"] for run in good)
    notes = []
    if cell.ok < cell.rounds:
        notes.append(f"{cell.rounds - cell.ok} of {cell.rounds} rounds failed")
    if scenario.memory == "per-conn":
        still_open = min(run.get("server_open_after", 0) for run in good)
        if still_open < min(run["ops"] for run in good):
            notes.append(f"only {still_open} connections were still open at the end")
    if cell.server_busy > SERVER_BUSY:
        notes.append(
            f"the server was busy {cell.server_busy:.0%} of the time: "
            "its throughput may be the server's limit, not the client's"
        )
    cell.note = "; ".join(notes)
    return cell


def pair_with_reference(cell: Cell, runs: list[dict[str, Any]]) -> None:
    """Fill ``cell.paired``: throughput ratios to the reference, round by round.

    Both libraries of a round run back to back, so a slow phase of the machine
    (other load, frequency changes) weighs on both sides of each ratio; the
    median of these ratios is steadier than the ratio of the two medians.
    """
    rates = {
        (run["lib"], run["round"]): run["ops"] / run["wall_s"]
        for run in runs
        if run.get("status") == "ok" and run["wall_s"] > 0
    }
    ratios = [
        rate / rates[(REFERENCE, index)]
        for (lib, index), rate in rates.items()
        if lib == cell.lib and rates.get((REFERENCE, index), 0) > 0
    ]
    if cell.lib == REFERENCE or not ratios:
        return
    cell.paired = statistics.median(ratios)
    cell.wins = sum(ratio >= 1.0 for ratio in ratios)
    cell.pairs = len(ratios)


def number(value: float) -> str:
    """Three significant digits or more, with thousands separators."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _memory(scenario: Scenario, value: float | None) -> str:
    if value is None:
        return ""
    if scenario.memory == "per-conn":
        return f"{value / 1024:.1f} KiB/conn"
    return f"peak +{value / MiB:.1f} MiB"


def _ratio(value: float, reference: Cell | None, cpu: bool) -> str:
    if reference is None or not reference.ok:
        return "-"
    base = reference.cpu_per_op if cpu else reference.throughput
    return f"{value / base:.2f}x" if base > 0 else "-"


def table(loop: str, cells: dict[str, list[Cell]]) -> str:
    header = ["scenario", "library", "throughput", "vs aiohttp", "paired", "CPU/op",
              "vs aiohttp", "memory", "spread"]  # fmt: skip
    rows: list[list[str]] = []
    notes: list[str] = []
    for name, scenario_cells in cells.items():
        scenario = SCENARIOS[name]
        reference = next((c for c in scenario_cells if c.lib == REFERENCE), None)
        label, scale = CPU_UNIT[scenario.unit]
        for index, cell in enumerate(scenario_cells):
            first = name if index == 0 else ""
            if not cell.ok:
                status = cell.note.split(":")[0]
                rows.append([first, cell.lib, status] + [""] * 6)
                if status != "unavailable":  # the reason is in the header already
                    notes.append(f"{name}/{cell.lib}: {cell.note}")
                continue
            rows.append([
                first,
                cell.lib,
                f"{number(cell.throughput)} {THROUGHPUT_UNIT[scenario.unit]}",
                _ratio(cell.throughput, reference, cpu=False),
                f"{cell.paired:.2f}x {cell.wins}/{cell.pairs}" if cell.paired else "",
                f"{number(cell.cpu_per_op / scale)} {label}",
                _ratio(cell.cpu_per_op, reference, cpu=True),
                _memory(scenario, cell.memory),
                f"{cell.spread * 100:.0f}%",
            ])  # fmt: skip
            if cell.note:
                notes.append(f"{name}/{cell.lib}: {cell.note}")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {2, 3, 4, 5, 6, 8}

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    out = [f"event loop: {loop}", line(header), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    out += [f"  note: {note}" for note in dict.fromkeys(notes)]
    return "\n".join(out)


# -- main ------------------------------------------------------------------------


def loops_available() -> list[str]:
    found = importlib.util.find_spec("uvloop") is not None
    return [loop for loop in LOOPS if loop != "uvloop" or found]


def list_scenarios() -> None:
    for scenario in SCENARIOS.values():
        sizes = [scenario.amount, scenario.quick]
        if scenario.unit == "MiB":
            full, quick = (f"{size // MiB} MiB" for size in sizes)
        else:
            full, quick = (f"{size} {scenario.unit}" for size in sizes)
        times = f" x {scenario.repeat}" if scenario.repeat > 1 else ""
        print(
            f"{scenario.name:<17} {scenario.title} "
            f"[{full}{times}; --quick {quick}{times}]"
        )


def run(args: argparse.Namespace) -> int:
    if args.list:
        list_scenarios()
        return 0
    loops = list(args.loop)
    if "uvloop" in loops and "uvloop" not in loops_available():
        log("uvloop is not importable: skipping --loop uvloop")
        loops.remove("uvloop")
    if not loops:
        log("no event loop to run")
        return 1
    versions: dict[str, str] = {}
    unavailable: dict[str, str] = {}
    for lib in args.libs:
        check = worker(["--lib", lib, "--check"], timeout=120)
        if check.get("status") == "ok":
            versions[lib] = check["version"]
        else:
            unavailable[lib] = str(check.get("reason", "?"))
    meta = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "rounds": args.rounds,
        "quick": args.quick,
        "versions": versions,
        "unavailable": unavailable,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    meta["server_loop"] = "asyncio" if "uvloop" not in loops_available() else "uvloop"
    # aioclient decodes gzip with zlib-ng when it is installed (its speedups
    # extra); aiohttp keeps zlib unless told otherwise. Say which case this is.
    meta["zlib_ng"] = importlib.util.find_spec("zlib_ng") is not None
    print(
        f"Python {meta['python']} on {meta['platform']}, {meta['cpus']} CPUs; "
        f"{args.rounds} rounds{' (quick sizes)' if args.quick else ''}; medians; "
        f"server on {meta['server_loop']}."
    )
    for lib in args.libs:
        print(f"  {lib}: {versions.get(lib) or 'unavailable: ' + unavailable[lib]}")
    if meta["zlib_ng"]:
        print("  zlib-ng installed: aioclient decodes gzip with it, aiohttp with zlib")
    runnable = [lib for lib in args.libs if lib in versions]
    results: list[dict[str, Any]] = []
    tables: list[str] = []
    with tempfile.TemporaryFile() as server_log:
        for loop in loops:
            cells: dict[str, list[Cell]] = {}
            for name in args.scenarios:
                runs = measure(args, loop, SCENARIOS[name], runnable, server_log)
                results += runs
                cells[name] = [
                    summarize(
                        SCENARIOS[name], lib, [r for r in runs if r["lib"] == lib]
                    )
                    for lib in runnable
                ]
                for cell in cells[name]:
                    pair_with_reference(cell, runs)
                cells[name] += [
                    Cell(lib=lib, note=f"unavailable: {unavailable[lib]}")
                    for lib in args.libs
                    if lib in unavailable
                ]
            tables.append(table(loop, cells))
            print()
            print(tables[-1], flush=True)
    if args.json:
        data = {"meta": meta, "results": results, "tables": tables}
        args.json.write_text(json.dumps(data, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


def measure(
    args: argparse.Namespace,
    loop: str,
    scenario: Scenario,
    libs: list[str],
    server_log: IO[bytes],
) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    if not libs:
        return runs
    with server(server_log) as base_url:
        for index in range(args.rounds):
            # Every other round in reverse: no library always goes first (the
            # server's first requests) or always follows the same one.
            for lib in libs if index % 2 == 0 else libs[::-1]:
                command = ["--lib", lib, "--scenario", scenario.name,
                           "--base-url", base_url, "--loop", loop]  # fmt: skip
                if args.quick:
                    command.append("--quick")
                result = worker(command, args.timeout)
                result.update(lib=lib, scenario=scenario.name, loop=loop, round=index)
                runs.append(result)
                log(f"[{loop}] {scenario.name} round {index + 1}/{args.rounds} "
                    f"{lib}: {_brief(scenario, result)}")  # fmt: skip
    return runs


def _brief(scenario: Scenario, result: dict[str, Any]) -> str:
    if result.get("status") != "ok":
        return f"{result.get('status')}: {result.get('reason')}"
    rate = result["ops"] / result["wall_s"] if result["wall_s"] > 0 else 0.0
    return f"{number(rate)} {THROUGHPUT_UNIT[scenario.unit]}"


def main() -> int:
    return run(parse_args())


if __name__ == "__main__":
    sys.exit(main())
