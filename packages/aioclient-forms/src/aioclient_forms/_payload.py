"""The Payload abstraction, the payload registry and the in-memory payloads.

A payload is one body (or one multipart part): its bytes plus the header fields
that describe them (Content-Type per RFC 9110 section 8.3, Content-Disposition per
RFC 6266 / RFC 7578 section 4.2). File-backed payloads live in ``_payload_io``,
streamed ones in ``_payload_stream``.
"""

from __future__ import annotations

import builtins
import enum
import json
import mimetypes
import sys
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import IO, Any, Final

from multidict import CIMultiDict

from ._helpers import (
    CONTENT_DISPOSITION,
    CONTENT_TYPE,
    check_header_name,
    check_header_value,
    content_disposition_header,
    parse_mimetype,
)
from ._protocols import PayloadWriter

__all__ = [
    "PAYLOAD_REGISTRY",
    "BytesPayload",
    "JsonBytesPayload",
    "JsonPayload",
    "Order",
    "Payload",
    "PayloadLookupError",
    "PayloadRegistry",
    "StringIOPayload",
    "StringPayload",
    "get_payload",
    "payload_type",
    "register_payload",
]

#: Raw bytes bodies above this size trigger a ResourceWarning, as in aiohttp.
TOO_LARGE_BYTES_BODY: Final = 2**20


class _Sentinel(enum.Enum):
    NOT_GIVEN = enum.auto()


_NOT_GIVEN: Final = _Sentinel.NOT_GIVEN


class PayloadLookupError(Exception):
    """No payload class is registered for the given value.

    Exported as ``aioclient_forms.LookupError`` (aiohttp's ``payload.LookupError``);
    it is *not* a subclass of the builtin :class:`LookupError`.
    """


class Order(str, enum.Enum):  # noqa: UP042 - str() must match aiohttp
    """Where a registration sits in the payload registry's search order."""

    normal = "normal"
    try_first = "try_first"
    try_last = "try_last"


_Factory = Callable[..., "Payload"]


class PayloadRegistry:
    """Maps Python types to the payload classes that wrap them.

    Lookup order: ``try_first`` registrations (isinstance), then an exact type
    match among ``normal`` ones, then an existing :class:`Payload` is returned
    as is, then an isinstance scan of ``normal`` and finally ``try_last`` ones.
    """

    __slots__ = ("_exact", "_first", "_last", "_normal")

    def __init__(self) -> None:
        self._first: list[tuple[_Factory, Any]] = []
        self._normal: list[tuple[_Factory, Any]] = []
        self._last: list[tuple[_Factory, Any]] = []
        self._exact: dict[Any, _Factory] = {}

    def get(self, data: Any, *args: Any, **kwargs: Any) -> Payload:
        """Wrap ``data`` in the payload class registered for its type.

        Args:
            data: The value to wrap.
            *args: Passed on to the payload class.
            **kwargs: Passed on to the payload class (``headers``,
                ``content_type``, ``filename``, ``encoding`` ...).

        Returns:
            A new payload, or ``data`` itself when it already is one.

        Raises:
            PayloadLookupError: Nothing is registered for ``type(data)``.
        """
        for factory, type_ in self._first:
            if isinstance(data, type_):
                return factory(data, *args, **kwargs)
        exact = self._exact.get(type(data))
        if exact is not None:
            return exact(data, *args, **kwargs)
        if isinstance(data, Payload):
            return data
        for factory, type_ in (*self._normal, *self._last):
            if isinstance(data, type_):
                return factory(data, *args, **kwargs)
        raise PayloadLookupError(f"No payload registered for {type(data)!r}")

    def register(
        self, factory: _Factory, type: Any, *, order: Order = Order.normal
    ) -> None:
        """Register ``factory`` for ``type``: a class, or any iterable of classes.

        Raises:
            ValueError: ``order`` is not an :class:`Order` member.
        """
        # isinstance() takes a class or a tuple, so a list or set of classes
        # (which aiohttp accepts) is stored as a tuple; a class whose metaclass
        # is iterable (an Enum) still counts as one class.
        types: Any = type
        if not isinstance(type, builtins.type) and isinstance(type, Iterable):
            types = tuple(type)
        if order is Order.try_first:
            self._first.append((factory, types))
        elif order is Order.normal:
            self._normal.append((factory, types))
            for each in types if isinstance(types, tuple) else (types,):
                self._exact[each] = factory
        elif order is Order.try_last:
            self._last.append((factory, types))
        else:
            # Compared by identity: Order is a str enum, and aiohttp refuses a
            # plain "normal" string too.
            raise ValueError(f"Unsupported order {order!r}")


#: The registry used by :func:`get_payload` and :class:`MultipartWriter.append`.
PAYLOAD_REGISTRY: Final = PayloadRegistry()


def get_payload(data: Any, *args: Any, **kwargs: Any) -> Payload:
    """Wrap ``data`` using :data:`PAYLOAD_REGISTRY` (see :meth:`PayloadRegistry.get`).

    Raises:
        PayloadLookupError: No payload class handles ``data``.
    """
    return PAYLOAD_REGISTRY.get(data, *args, **kwargs)


def register_payload(
    factory: _Factory, type: Any, *, order: Order = Order.normal
) -> None:
    """Register a payload class in :data:`PAYLOAD_REGISTRY`.

    ``type`` is a class or any iterable of classes (see
    :meth:`PayloadRegistry.register`).
    """
    PAYLOAD_REGISTRY.register(factory, type, order=order)


class payload_type:
    """Class decorator registering a payload class for ``type``.

    ``type`` is a class or any iterable of classes.

    Example: ``@payload_type(MyData)`` above ``class MyPayload(Payload)``.
    """

    def __init__(self, type: Any, *, order: Order = Order.normal) -> None:
        self.type = type
        self.order = order

    def __call__(self, factory: type[Payload]) -> type[Payload]:
        """Register ``factory`` and return it unchanged."""
        register_payload(factory, self.type, order=self.order)
        return factory


class Payload(ABC):
    """One body, or one part of a multipart body, plus its header fields.

    Args:
        value: The wrapped value.
        headers: Extra header fields (mapping, multidict or pairs).
        content_type: Explicit Content-Type; by default it is guessed from
            ``filename`` (:mod:`mimetypes`) or is the class default.
        filename: The file name, used for the Content-Type guess and for the
            Content-Disposition of file payloads.
        encoding: The text encoding, for payloads built from text.
        **kwargs: Ignored, for compatibility with aiohttp's signature.
    """

    _default_content_type: str = "application/octet-stream"
    _size: int | None = None
    _consumed: bool = False
    _autoclose: bool = False

    def __init__(
        self,
        value: Any,
        headers: CIMultiDict[str]
        | dict[str, str]
        | Iterable[tuple[str, str]]
        | None = None,
        content_type: str | None | _Sentinel = _NOT_GIVEN,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict()
        self._value = value
        if isinstance(content_type, str):
            self._headers[CONTENT_TYPE] = content_type
        elif filename is not None:
            guessed = self._guess_type(filename)
            self._headers[CONTENT_TYPE] = guessed or self._default_content_type
        else:
            self._headers[CONTENT_TYPE] = self._default_content_type
        if headers:
            self._headers.update(headers)

    @staticmethod
    def _guess_type(filename: str) -> str | None:
        if sys.version_info >= (3, 13):
            return mimetypes.guess_file_type(filename)[0]
        return mimetypes.guess_type(filename)[0]  # pragma: no cover - old Pythons

    @property
    def size(self) -> int | None:
        """Number of bytes :meth:`write` sends, or ``None`` when unknown."""
        return self._size

    @property
    def filename(self) -> str | None:
        """The file name given or guessed, if any."""
        return self._filename

    @property
    def headers(self) -> CIMultiDict[str]:
        """The payload's own header fields (mutable)."""
        return self._headers

    @property
    def _binary_headers(self) -> bytes:
        # Every outbound header line is validated at serialisation time, so a
        # header edited after construction cannot smuggle a CR/LF either.
        lines = "".join(
            f"{check_header_name(k)}: {check_header_value(v)}\r\n"
            for k, v in self._headers.items()
        )
        return lines.encode("utf-8") + b"\r\n"

    @property
    def encoding(self) -> str | None:
        """The text encoding, if the payload was built from text."""
        return self._encoding

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        return self._headers[CONTENT_TYPE]

    @property
    def consumed(self) -> bool:
        """Whether the payload was used up and can no longer be written."""
        return self._consumed

    @property
    def autoclose(self) -> bool:
        """Whether the payload holds no resource that needs :meth:`close`."""
        return self._autoclose

    def set_content_disposition(
        self,
        disptype: str,
        quote_fields: bool = True,
        _charset: str = "utf-8",
        **params: Any,
    ) -> None:
        """Set the Content-Disposition header (RFC 7578 section 4.2 quoting).

        Args:
            disptype: ``form-data``, ``attachment``, ``inline`` ...
            quote_fields: Keep the value 7-bit (non-ASCII text is
                percent-encoded and repeated as an RFC 8187 ``key*`` value).
            _charset: Charset for the percent-encoding.
            **params: Parameters such as ``name`` and ``filename``.

        Raises:
            ValueError: Bad type or parameter name, or a control character.
        """
        self._headers[CONTENT_DISPOSITION] = content_disposition_header(
            disptype, quote_fields=quote_fields, _charset=_charset, **params
        )

    @abstractmethod
    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return the payload as text (may block for file payloads)."""

    @abstractmethod
    async def write(self, writer: PayloadWriter) -> None:
        """Write the whole payload to ``writer``."""

    async def write_with_length(
        self, writer: PayloadWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` bytes (everything when ``None``).

        The base implementation ignores the limit; the built-in payloads honour it.
        """
        await self.write(writer)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Return the payload's bytes."""
        actual = self._encoding or encoding
        return self.decode(actual, errors).encode(actual)

    def _close(self) -> None:  # noqa: B027 - an optional hook
        """Release resources without awaiting (no-op unless overridden)."""

    async def close(self) -> None:
        """Release any resource the payload holds (file handles)."""
        self._close()


class BytesPayload(Payload):
    """A body held in memory as bytes (``bytes``, ``bytearray`` or ``memoryview``).

    Raises:
        TypeError: ``value`` is not bytes-like.

    Warns:
        ResourceWarning: The body exceeds 1 MiB; stream it with :class:`io.BytesIO`.
    """

    _autoclose = True

    def __init__(
        self, value: bytes | bytearray | memoryview, *args: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("content_type", "application/octet-stream")
        super().__init__(value, *args, **kwargs)
        if isinstance(value, memoryview):
            self._size = value.nbytes
        elif isinstance(value, bytes | bytearray):
            self._size = len(value)
        else:
            raise TypeError(f"value argument must be byte-ish, not {type(value)!r}")
        if self._size > TOO_LARGE_BYTES_BODY:
            warnings.warn(
                "Sending a large body directly with raw bytes might"
                " lock the event loop. You should probably pass an "
                "io.BytesIO object instead",
                ResourceWarning,
                source=self,
                stacklevel=2,
            )

    @property
    def buffer(self) -> bytes | bytearray | memoryview:
        """The bytes this payload sends, as given (not copied).

        Lets a writer send a small in-memory body without awaiting :meth:`write`.
        """
        value: bytes | bytearray | memoryview = self._value
        return value

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return the bytes decoded as text."""
        return bytes(self._value).decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Return the bytes."""
        return bytes(self._value)

    async def write(self, writer: PayloadWriter) -> None:
        """Write the bytes to ``writer``."""
        await writer.write(self._value)

    async def write_with_length(
        self, writer: PayloadWriter, content_length: int | None
    ) -> None:
        """Write the bytes, cut to ``content_length`` when given."""
        if content_length is None:
            await writer.write(self._value)
        else:
            await writer.write(self._value[:content_length])


class StringPayload(BytesPayload):
    """A text body, encoded with ``encoding`` or the Content-Type charset.

    The default Content-Type is ``text/plain; charset=utf-8``.
    """

    def __init__(
        self,
        value: str,
        *args: Any,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            if content_type is None:
                real_encoding = "utf-8"
                content_type = "text/plain; charset=utf-8"
            else:
                real_encoding = parse_mimetype(content_type)[2].get("charset", "utf-8")
        else:
            if content_type is None:
                content_type = f"text/plain; charset={encoding}"
            real_encoding = encoding
        super().__init__(
            value.encode(real_encoding),
            *args,
            encoding=real_encoding,
            content_type=content_type,
            **kwargs,
        )


class StringIOPayload(StringPayload):
    """A text body read at once from an in-memory text stream (:class:`io.StringIO`)."""

    def __init__(self, value: IO[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(value.read(), *args, **kwargs)


class JsonPayload(BytesPayload):
    """A JSON body serialised with ``dumps`` and encoded with ``encoding``."""

    def __init__(
        self,
        value: Any,
        encoding: str = "utf-8",
        content_type: str = "application/json",
        dumps: Callable[[Any], str] = json.dumps,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            dumps(value).encode(encoding),
            *args,
            content_type=content_type,
            encoding=encoding,
            **kwargs,
        )


class JsonBytesPayload(BytesPayload):
    """A JSON body from a serialiser that returns bytes (such as ``orjson.dumps``)."""

    def __init__(
        self,
        value: Any,
        dumps: Callable[[Any], bytes],
        content_type: str = "application/json",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(dumps(value), *args, content_type=content_type, **kwargs)
