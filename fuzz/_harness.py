"""Shared plumbing for the atheris harnesses in this folder (not a harness itself).

Each ``fuzz_<target>.py`` calls :func:`main` with its ``TestOneInput``, its
target name and its seed inputs. :func:`main`:

* with no corpus directory on the command line, creates a fresh working corpus
  under ``$FUZZ_WORKDIR`` (default: the system temporary directory), writes the
  seeds into it and fuzzes from there, so nothing is ever written into the
  repository;
* with a corpus directory that is missing or empty, writes the seeds into it
  first;
* with files on the command line (``python fuzz/fuzz_X.py crash-file``),
  simply re-runs them (libFuzzer's own behaviour).

Known findings can be silenced so that a run goes on looking for new ones:
``FUZZ_IGNORE=tag1,tag2`` (each harness documents its tags); :func:`finding`
raises :class:`Finding` unless its tag is listed there.

Input layout: every harness splits its input with :func:`split_params` into a
payload (everything but the last :data:`PARAM_BYTES` bytes) and a parameter
trailer read with ``atheris.FuzzedDataProvider`` (method, limits, split
offsets, ...). Keeping the two apart means the mutator can change a parameter
without disturbing the payload, and a seed is simply ``payload + trailer``; a
trailer of zero bytes selects every parameter's default (see :func:`seed`).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import atheris

__all__ = [
    "PARAM_BYTES",
    "Finding",
    "as_object",
    "finding",
    "ignored",
    "main",
    "seed",
    "split_params",
    "trailer_for",
]

#: Size of the parameter trailer at the end of every input.
PARAM_BYTES = 32

_IGNORED = frozenset(
    tag.strip() for tag in os.environ.get("FUZZ_IGNORE", "").split(",") if tag.strip()
)


class Finding(AssertionError):
    """An invariant of a harness was broken (the message says which)."""


def ignored(tag: str) -> bool:
    """True when findings with this tag were silenced with ``FUZZ_IGNORE``."""
    return tag in _IGNORED


def finding(tag: str, message: str) -> None:
    """Report a broken invariant, unless ``tag`` is listed in ``FUZZ_IGNORE``.

    Raises:
        Finding: Always, unless the tag is silenced.
    """
    if tag not in _IGNORED:
        raise Finding(f"[{tag}] {message}")


def as_object(value: object) -> object:
    """Return ``value`` unchanged, typed as ``object`` for the type checker.

    The harnesses check at run time what the targets' annotations promise
    ("returns a ``str``", "never ``None``"): catching a broken promise is the
    point of fuzzing. Seen through the annotations such a check is always true
    or always false, and mypy reports it as redundant or unreachable; checking
    ``isinstance(as_object(x), str)`` instead keeps the check as it is, without
    claiming anything about ``x`` that the annotations do not.
    """
    return value


def seed(payload: bytes, trailer: bytes = b"") -> bytes:
    """A seed input: the payload, then the parameter trailer (zero-padded)."""
    return payload + trailer.rjust(PARAM_BYTES, b"\0")[-PARAM_BYTES:]


def trailer_for(
    read_params: Callable[[atheris.FuzzedDataProvider], Mapping[str, object]],
    **wanted: object,
) -> bytes:
    """Find a parameter trailer that ``read_params`` decodes to ``wanted``.

    ``FuzzedDataProvider`` takes integers from the end of its data and booleans
    from the front, so seeds do not hand-encode parameters: a deterministic
    coordinate search over the trailer's bytes finds one that gives the wanted
    values (list values are matched item by item).

    Raises:
        ValueError: No trailer found.
    """

    def score(trailer: bytearray) -> int:
        got = read_params(atheris.FuzzedDataProvider(bytes(trailer)))
        total = 0
        for key, value in wanted.items():
            have = got.get(key)
            if isinstance(value, list) and isinstance(have, list):
                total += sum(a == b for a, b in zip(value, have, strict=False))
            else:
                total += have == value
        return total

    full = sum(len(v) if isinstance(v, list) else 1 for v in wanted.values())
    trailer = bytearray(PARAM_BYTES)
    best = score(trailer)
    for _ in range(4):
        for index in range(PARAM_BYTES):
            for value in range(256):
                old = trailer[index]
                trailer[index] = value
                now = score(trailer)
                if now > best:
                    best = now
                else:
                    trailer[index] = old
            if best == full:
                return bytes(trailer)
    raise ValueError(f"no trailer gives {wanted!r}")


def split_params(data: bytes) -> tuple[bytes, atheris.FuzzedDataProvider]:
    """Split an input into its payload and a provider over its parameter trailer.

    Inputs shorter than the trailer are all parameters (zero-padded) and have an
    empty payload.
    """
    if len(data) < PARAM_BYTES:
        return b"", atheris.FuzzedDataProvider(data.rjust(PARAM_BYTES, b"\0"))
    return data[:-PARAM_BYTES], atheris.FuzzedDataProvider(data[-PARAM_BYTES:])


def _write_seeds(directory: Path, seeds: Iterable[bytes]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for data in seeds:
        name = hashlib.sha1(data).hexdigest()
        (directory / name).write_bytes(data)


def main(
    test_one_input: Callable[[bytes], None],
    target: str,
    seeds: Iterable[bytes],
    argv: list[str] | None = None,
    dictionary: str | None = None,
) -> None:
    """Prepare the corpus, then run libFuzzer (all libFuzzer flags work).

    ``dictionary`` names a file in ``fuzz/dicts/`` passed as ``-dict=`` unless
    the command line already has a ``-dict=`` flag.
    """
    args = list(sys.argv if argv is None else argv)
    if dictionary and not any(a.startswith("-dict=") for a in args[1:]):
        args.insert(1, f"-dict={Path(__file__).parent / 'dicts' / dictionary}")
    positional = [a for a in args[1:] if not a.startswith("-")]
    if not positional:
        base = os.environ.get("FUZZ_WORKDIR") or tempfile.gettempdir()
        Path(base).mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"corpus-{target}-", dir=base))
        _write_seeds(work, seeds)
        args.append(str(work))
        print(f"[{target}] working corpus: {work}", file=sys.stderr)
    else:
        first = Path(positional[0])
        if not first.exists() or (first.is_dir() and not any(first.iterdir())):
            _write_seeds(first, seeds)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def reachable(text: str) -> str:
    """Say whether a header value could arrive through the response parser.

    The parser refuses control characters in field values, so an input with
    them can only reach a parser through its Python API.
    """
    if _CTL.search(text):
        return "has CTLs (API-only)"
    return "reachable via the response parser"


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    """Cut ``data`` at the given offsets (taken modulo its length + 1)."""
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    chunks, prev = [], 0
    for point in points:
        chunks.append(data[prev:point])
        prev = point
    chunks.append(data[prev:])
    return chunks
