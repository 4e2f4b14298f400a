"""Timing, CPU and memory measurement inside one client process."""

from __future__ import annotations

import dataclasses
import re
import sys
import time

MiB = 1024 * 1024
_STATUS_FIELD = re.compile(rb"^(VmRSS|VmHWM):\s+(\d+) kB", re.MULTILINE)


def _status() -> dict[bytes, int]:
    """VmRSS and VmHWM of this process in bytes (Linux); empty elsewhere."""
    try:
        with open("/proc/self/status", "rb") as handle:
            text = handle.read()
    except OSError:
        return {}
    return {name: int(value) * 1024 for name, value in _STATUS_FIELD.findall(text)}


def current_rss() -> int:
    """The resident set size of this process now, in bytes (0 if unknown)."""
    return _status().get(b"VmRSS", 0)


def peak_rss() -> int:
    """The highest resident set size since start or since the last reset, in bytes."""
    hwm = _status().get(b"VmHWM")
    if hwm is not None:
        return hwm
    try:
        import resource
    except ImportError:  # Windows
        return 0
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage if sys.platform == "darwin" else usage * 1024


def reset_peak() -> bool:
    """Reset the peak RSS to the current RSS (Linux 4.0+); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


@dataclasses.dataclass
class Meter:
    """Brackets the measured part of a scenario: call start(), then stop() once.

    Everything before start() (imports, session set-up, warm-up requests, building
    an upload body) is excluded from time, CPU and the memory baseline.
    """

    wall: float = 0.0
    cpu: float = 0.0
    rss_before: int = 0
    rss_after: int = 0
    peak: int = 0
    peak_was_reset: bool = False
    _wall0: float = 0.0
    _cpu0: float = 0.0

    def start(self) -> None:
        self.rss_before = current_rss()
        self.peak_was_reset = reset_peak()
        self._cpu0 = time.process_time()
        self._wall0 = time.perf_counter()

    def stop(self) -> None:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = time.process_time() - self._cpu0
        self.peak = peak_rss()
        self.rss_after = current_rss()

    @property
    def peak_delta(self) -> int:
        """Peak RSS during the measurement minus the RSS just before it."""
        return max(0, self.peak - self.rss_before)

    @property
    def rss_delta(self) -> int:
        """RSS right after the measurement minus the RSS just before it."""
        return self.rss_after - self.rss_before


def raise_fd_limit(wanted: int = 8192) -> None:
    """Allow enough open sockets for the idle-connections scenario."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
