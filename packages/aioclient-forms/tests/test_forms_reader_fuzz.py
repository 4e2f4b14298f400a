"""Property: hostile bytes give parts or a documented error, the same for any split."""

from __future__ import annotations

import warnings

from _forms_helpers import ChunkedReader
from hypothesis import given, settings
from hypothesis import strategies as st

from aioclient_forms import BodyPartReader, MultipartReader

CT = "multipart/mixed; boundary=zz"

# Fragments that steer random input towards the parser's interesting states.
_fragment = st.sampled_from(
    [
        b"--zz\r\n",
        b"--zz--\r\n",
        b"\r\n--zz",
        b"\r\n",
        b"\n",
        b"X: 1\r\n",
        b"Content-Length: 3\r\n",
        b"Content-Length: x\r\n",
        b"Content-Type: multipart/mixed; boundary=yy\r\n",
        b"--yy\r\n",
        b"--yy--\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Encoding: gzip\r\n",
        b'Content-Disposition: form-data; name="a;b"\r\n',
        b"abc",
        b"\x00\xff",
        b":",
        b" ",
    ]
)
_body = st.lists(_fragment | st.binary(max_size=8), max_size=30).map(b"".join)


async def _outcome(body: bytes, splits: list[int]) -> object:
    reader = MultipartReader({"Content-Type": CT}, ChunkedReader(body, splits))
    result: list[object] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            await _drain(reader, result)
    except (ValueError, RuntimeError) as exc:
        return (type(exc).__name__, str(exc), result)
    return ("ok", result)


async def _drain(reader: MultipartReader, out: list[object]) -> None:
    async for part in reader:
        if isinstance(part, MultipartReader):
            nested: list[object] = []
            out.append(nested)
            await _drain(part, nested)
        else:
            assert isinstance(part, BodyPartReader)
            out.append((sorted(part.headers.items()), await part.read(decode=True)))


@settings(max_examples=200, deadline=None)
@given(
    body=_body,
    splits=st.lists(st.integers(min_value=1, max_value=16), min_size=1, max_size=6),
)
async def test_split_invariance_and_documented_errors(
    body: bytes, splits: list[int]
) -> None:
    whole = await _outcome(body, [len(body) + 1])
    split = await _outcome(body, splits)
    assert split == whole
