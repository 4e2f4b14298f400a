"""ClientTimeout, rounding, the total deadline and the per-read timer."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import cast

import pytest

from aioclient_core._timeouts import (
    DEFAULT_TIMEOUT,
    ClientTimeout,
    ReadTimer,
    RequestDeadline,
    ceil_timeout,
    timeout_deadline,
)

# -- a controllable clock ----------------------------------------------------------


class FakeHandle:
    def __init__(self, when: float, callback: Callable[[], object]) -> None:
        self._when = when
        self.callback = callback
        self.cancelled = False

    def when(self) -> float:
        return self._when

    def cancel(self) -> None:
        self.cancelled = True


class FakeLoop:
    """Only what the timers use: time() and call_at(); callbacks run on demand."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.handles: list[FakeHandle] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[[], object]) -> FakeHandle:
        handle = FakeHandle(when, callback)
        self.handles.append(handle)
        return handle

    def pending(self) -> list[FakeHandle]:
        return [h for h in self.handles if not h.cancelled]

    def advance(self, to: float) -> None:
        """Move the clock and run due callbacks, like the loop would."""
        self.now = to
        while True:
            due = [h for h in self.pending() if h.when() <= self.now]
            if not due:
                return
            for handle in due:
                handle.cancelled = True  # a handle runs once
                handle.callback()

    def as_loop(self) -> asyncio.AbstractEventLoop:
        return cast(asyncio.AbstractEventLoop, self)


# -- ClientTimeout ---------------------------------------------------------------


def test_client_timeout_defaults_and_positional_order() -> None:
    t = ClientTimeout()
    assert (t.total, t.connect, t.sock_read, t.sock_connect, t.ceil_threshold) == (
        None,
        None,
        None,
        None,
        5,
    )
    t = ClientTimeout(1, 2, 3, 4, 6)
    assert (t.total, t.connect, t.sock_read, t.sock_connect, t.ceil_threshold) == (
        1,
        2,
        3,
        4,
        6,
    )


def test_default_timeout() -> None:
    assert ClientTimeout(total=300, sock_connect=30) == DEFAULT_TIMEOUT
    assert DEFAULT_TIMEOUT.connect is None
    assert DEFAULT_TIMEOUT.sock_read is None
    assert DEFAULT_TIMEOUT.ceil_threshold == 5
    assert repr(DEFAULT_TIMEOUT) == (
        "ClientTimeout(total=300, connect=None, sock_read=None, sock_connect=30, "
        "ceil_threshold=5)"
    )


def test_client_timeout_is_immutable_hashable_and_evolvable() -> None:
    t = ClientTimeout(total=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.total = 5  # type: ignore[misc]
    assert not hasattr(t, "__dict__")
    assert t == ClientTimeout(total=10)
    assert t != ClientTimeout(total=11)
    assert len({t, ClientTimeout(total=10)}) == 1
    t2 = dataclasses.replace(t, sock_read=2)
    assert (t2.total, t2.sock_read) == (10, 2)
    assert t.sock_read is None


# -- rounding --------------------------------------------------------------------


def test_timeout_deadline_rounding() -> None:
    assert timeout_deadline(100.25, 10, 5) == 111  # long: next whole second
    assert timeout_deadline(100.25, 2, 5) == 102.25  # short: exact
    assert timeout_deadline(100.25, 5, 5) == 105.25  # at threshold: exact ...
    assert timeout_deadline(100.25, 5, 5, round_at_threshold=True) == 106
    assert timeout_deadline(100.0, 10, 5) == 110  # already whole
    assert timeout_deadline(100.25, 10, 60) == 110.25  # raised threshold


async def test_ceil_timeout_uses_loop_time(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    with monkeypatch.context() as patch:
        patch.setattr(loop, "time", lambda: 1000.4)
        long_one = ceil_timeout(7)
        short_one = ceil_timeout(1.5)
        custom = ceil_timeout(7, ceil_threshold=10)
    assert long_one.when() == 1008
    assert short_one.when() == pytest.approx(1001.9)
    assert custom.when() == pytest.approx(1007.4)
    for disabled in (None, 0, -1):
        assert ceil_timeout(disabled).when() is None


async def test_ceil_timeout_expires_with_timeout_error() -> None:
    with pytest.raises(TimeoutError):
        async with ceil_timeout(0.01):
            await asyncio.sleep(5)


async def test_ceil_timeout_lets_outer_cancellation_through() -> None:
    async def body() -> None:
        async with ceil_timeout(10):
            await asyncio.sleep(5)

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# -- RequestDeadline -------------------------------------------------------------


def test_deadline_start_rounds_at_threshold_and_only_once() -> None:
    fake = FakeLoop(now=100.5)
    d = RequestDeadline(5, loop=fake.as_loop())
    assert [d.when] == [None]  # (a list: keeps mypy from narrowing the property)
    d.start()
    assert d.when == 106  # total rounds when t >= ceil_threshold
    d.start()
    assert len(fake.handles) == 1
    short = RequestDeadline(1.5, loop=fake.as_loop())
    short.start()
    assert short.when == 102.0


def test_deadline_without_timeout_never_arms() -> None:
    fake = FakeLoop(now=0)
    for value in (None, 0, -3):
        d = RequestDeadline(value, loop=fake.as_loop())
        d.start()
        assert d.when is None
    assert fake.handles == []


async def test_deadline_expiry_raises_plain_timeout_error() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(10, loop=fake.as_loop())
    d.start()

    async def body() -> int:
        with d:
            await asyncio.sleep(30)
        return 1

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    fake.advance(10)
    with pytest.raises(TimeoutError) as info:
        await task
    assert type(info.value) is TimeoutError
    assert d.expired


async def test_deadline_is_a_hard_ceiling_across_blocks() -> None:
    d = RequestDeadline(0.5)
    d.start()
    loop = asyncio.get_running_loop()
    began = loop.time()
    with d:
        await asyncio.sleep(0.01)  # first stage finishes in time
    with pytest.raises(TimeoutError), d:
        await asyncio.sleep(10)  # second stage is cut at the original deadline
    assert loop.time() - began < 3
    with pytest.raises(TimeoutError):
        d.assert_timeout()
    with pytest.raises(TimeoutError), d:
        pytest.fail("an expired deadline must refuse new blocks")


async def test_deadline_expired_while_no_block_was_active() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(1, loop=fake.as_loop())
    d.start()
    fake.advance(2)
    assert d.expired
    with pytest.raises(TimeoutError), d:
        pass


async def test_deadline_cancel_disarms_for_good() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(10, loop=fake.as_loop())
    d.start()
    d.cancel()
    # The loop timer may stay armed for other deadlines due at the same second
    # (it is shared), but this deadline is no longer registered with it.
    d.start()
    assert len(fake.handles) == 1  # start() after cancel() arms nothing
    fake.advance(20)
    with d:
        await asyncio.sleep(0)
    d.assert_timeout()  # does not raise
    assert not d.expired


async def test_deadlines_due_the_same_second_share_one_timer() -> None:
    fake = FakeLoop(now=100.25)
    first = RequestDeadline(10, loop=fake.as_loop())
    second = RequestDeadline(10, loop=fake.as_loop())
    gone = RequestDeadline(10, loop=fake.as_loop())
    for d in (first, second, gone):
        d.start()
    fake.now = 100.75  # same second: same rounded deadline, same timer
    late = RequestDeadline(10, loop=fake.as_loop())
    late.start()
    assert first.when == second.when == late.when == 111
    assert len(fake.handles) == 1
    gone.cancel()
    fake.advance(111)
    assert [first.expired, second.expired, late.expired] == [True, True, True]
    assert not gone.expired
    # A new deadline after the shared timer fired gets a timer of its own.
    after = RequestDeadline(10, loop=fake.as_loop())
    after.start()
    assert len(fake.handles) == 2
    other_loop = FakeLoop(now=100.25)
    elsewhere = RequestDeadline(10, loop=other_loop.as_loop())
    elsewhere.start()
    assert len(other_loop.handles) == 1  # never another loop's timer


async def test_outer_cancel_is_not_turned_into_timeout() -> None:
    d = RequestDeadline(10)
    d.start()

    async def body() -> None:
        with d:
            await asyncio.sleep(5)

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not d.expired
    d.cancel()


async def test_outer_cancel_racing_the_deadline_still_propagates() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(10, loop=fake.as_loop())
    d.start()

    async def body() -> None:
        with d:
            await asyncio.sleep(5)

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    task.cancel()  # someone else cancels ...
    fake.advance(10)  # ... and the deadline fires in the same loop iteration
    with pytest.raises(asyncio.CancelledError):
        await task
    assert d.expired


async def test_timeout_leaves_the_task_cancel_count_balanced() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(10, loop=fake.as_loop())
    d.start()
    seen: list[int] = []

    async def body() -> str:
        try:
            with d:
                await asyncio.sleep(5)
        except TimeoutError:
            task = asyncio.current_task()
            assert task is not None
            seen.append(task.cancelling())
            await asyncio.sleep(0)  # no stray cancellation arrives here
            return "survived"
        return "not reached"

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    fake.advance(10)
    assert await task == "survived"
    assert seen == [0]


async def test_nested_blocks_convert_once() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(10, loop=fake.as_loop())
    d.start()
    outcome: list[str] = []

    async def body() -> None:
        try:
            with d:
                try:
                    with d:
                        await asyncio.sleep(5)
                except TimeoutError:
                    outcome.append("inner")
                    raise
        except TimeoutError:
            outcome.append("outer")

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    fake.advance(10)
    await task
    assert outcome == ["inner", "outer"]


async def test_all_tasks_inside_the_deadline_time_out() -> None:
    fake = FakeLoop(now=0)
    d = RequestDeadline(10, loop=fake.as_loop())
    d.start()

    async def body() -> None:
        with d:
            await asyncio.sleep(5)

    tasks = [asyncio.create_task(body()) for _ in range(3)]
    await asyncio.sleep(0)
    fake.advance(10)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [type(r) for r in results] == [TimeoutError] * 3


async def test_deadline_requires_a_task() -> None:
    d = RequestDeadline(1)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[BaseException] = loop.create_future()

    def outside_task() -> None:
        try:
            with d:
                pass
        except RuntimeError as exc:
            done.set_result(exc)

    loop.call_soon(outside_task)
    exc = await done
    assert str(exc) == "Timeout context manager should be used inside a task"


# -- ReadTimer -------------------------------------------------------------------


def test_read_timer_fires_after_silence() -> None:
    fake = FakeLoop(now=50.0)
    fired: list[float] = []
    timer = ReadTimer(2, lambda: fired.append(fake.now), loop=fake.as_loop())
    assert [timer.armed] == [False]  # (a list: keeps mypy from narrowing)
    timer.rearm()
    assert timer.armed
    assert timer.deadline == 52.0
    fake.advance(51.9)
    assert fired == []
    fake.advance(52.0)
    assert fired == [52.0]
    assert [timer.armed] == [False]
    fake.advance(100)
    assert fired == [52.0]  # once only


def test_read_timer_rearm_pushes_the_deadline_without_new_handles() -> None:
    fake = FakeLoop(now=0.0)
    fired: list[float] = []
    timer = ReadTimer(2, lambda: fired.append(fake.now), loop=fake.as_loop())
    timer.rearm()
    for step in range(1, 10):
        fake.advance(step * 0.5)  # data keeps arriving every 0.5 s
        timer.rearm()
    assert len(fake.handles) <= 3  # lazily rescheduled, not one handle per chunk
    assert fired == []
    assert timer.deadline == 6.5
    fake.advance(6.4)
    assert fired == []
    fake.advance(6.5)
    assert fired == [6.5]


def test_read_timer_cancel_and_restart() -> None:
    fake = FakeLoop(now=0.0)
    fired: list[float] = []
    timer = ReadTimer(1, lambda: fired.append(fake.now), loop=fake.as_loop())
    timer.rearm()
    timer.cancel()  # e.g. reading paused, or connection back in the pool
    assert not timer.armed
    fake.advance(5)
    assert fired == []
    timer.rearm()
    assert timer.deadline == 6
    fake.advance(6)
    assert fired == [6]


def test_read_timer_disabled_and_rounding() -> None:
    fake = FakeLoop(now=10.3)
    for value in (None, 0):
        timer = ReadTimer(value, lambda: None, loop=fake.as_loop())
        timer.rearm()
        assert not timer.armed
    assert fake.handles == []
    long_timer = ReadTimer(30, lambda: None, loop=fake.as_loop())
    long_timer.rearm()
    assert long_timer.deadline == 41  # above the threshold: whole second
    at_threshold = ReadTimer(5, lambda: None, loop=fake.as_loop())
    at_threshold.rearm()
    assert at_threshold.deadline == pytest.approx(15.3)  # exactly at it: exact
    assert at_threshold.timeout == 5


async def test_read_timer_on_a_real_loop() -> None:
    fired = asyncio.Event()
    timer = ReadTimer(0.5, fired.set)
    for _ in range(5):
        timer.rearm()
        await asyncio.sleep(0.02)
    assert not fired.is_set()
    await asyncio.wait_for(fired.wait(), 5)
    assert not timer.armed
