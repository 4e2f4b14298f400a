"""HTML form bodies: application/x-www-form-urlencoded or multipart/form-data.

Implements the form encodings of the WHATWG URL Standard (urlencoded) and RFC
7578 (multipart/form-data), choosing between them as aiohttp 3.14 does, and
refusing control characters in field names, filenames and content types so that
no form field can inject a part header (RFC 9110 section 5.5).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from multidict import MultiDict, MultiDictProxy

from ._helpers import CONTENT_LENGTH, CONTENT_TYPE, check_header_value, guess_filename
from ._payload import BytesPayload, Payload, get_payload
from ._writer import MultipartWriter

__all__ = ["FormData"]

_Field = tuple[MultiDict[str], dict[str, str], Any]


class FormData:
    """Builds a form body; calling the object returns the body as a :class:`Payload`.

    The body is ``multipart/form-data`` when any field is a file object or was
    added with ``content_type``, ``filename`` or ``content_transfer_encoding``
    (or with bytes), or when ``default_to_multipart`` is true; otherwise it is
    ``application/x-www-form-urlencoded``.

    Args:
        fields: A dict (its items), a list or tuple of fields for
            :meth:`add_fields`, or one such field.
        quote_fields: Keep multipart Content-Disposition values 7-bit.
        charset: Charset for urlencoding and for text parts.
        default_to_multipart: Always produce multipart/form-data.
    """

    def __init__(
        self,
        fields: Iterable[Any] = (),
        quote_fields: bool = True,
        charset: str | None = None,
        *,
        default_to_multipart: bool = False,
    ) -> None:
        self._writer = MultipartWriter("form-data")
        self._fields: list[_Field] = []
        self._is_multipart = default_to_multipart
        self._quote_fields = quote_fields
        self._charset = charset
        if isinstance(fields, dict):
            items: Iterable[Any] = list(fields.items())
        elif isinstance(fields, list | tuple):
            items = fields
        else:
            items = (fields,)
        self.add_fields(*items)

    @property
    def is_multipart(self) -> bool:
        """Whether calling the form produces multipart/form-data."""
        return self._is_multipart

    def add_field(
        self,
        name: str,
        value: Any,
        *,
        content_type: str | None = None,
        filename: str | None = None,
        content_transfer_encoding: str | None = None,
    ) -> None:
        """Add one field.

        Args:
            name: The field name.
            value: ``str``, bytes-like, a file object, or anything the payload
                registry can wrap.
            content_type: The part's Content-Type (makes the form multipart).
            filename: The part's filename (makes the form multipart). Guessed
                from a file object's name when omitted.
            content_transfer_encoding: Deprecated and ignored apart from making
                the form multipart.

        Raises:
            TypeError: ``name``, ``filename``, ``content_type`` or
                ``content_transfer_encoding`` is not a ``str``.
            ValueError: ``name``, ``filename`` or ``content_type`` holds a
                control character other than HTAB.

        Warns:
            DeprecationWarning: Bytes without ``filename``, or any
                ``content_transfer_encoding``.
        """
        if isinstance(value, io.IOBase):
            self._is_multipart = True
        elif (
            isinstance(value, bytes | bytearray | memoryview)
            and filename is None
            and content_transfer_encoding is None
        ):
            warnings.warn(
                "In v4, passing bytes will no longer create a file field. "
                "Please explicitly use the filename parameter or pass a BytesIO "
                "object.",
                DeprecationWarning,
                stacklevel=2,
            )
            filename = name
        if not isinstance(name, str):
            raise TypeError(f"name must be an instance of str. Got: {name!r}")
        check_header_value(name)
        options: MultiDict[str] = MultiDict({"name": name})
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"filename must be an instance of str. Got: {filename}")
        if filename is None and isinstance(value, io.IOBase):
            filename = guess_filename(value, name)
        if filename is not None:
            check_header_value(filename)
            options["filename"] = filename
            self._is_multipart = True
        headers: dict[str, str] = {}
        if content_type is not None:
            if not isinstance(content_type, str):
                raise TypeError(
                    f"content_type must be an instance of str. Got: {content_type}"
                )
            headers[CONTENT_TYPE] = check_header_value(content_type)
            self._is_multipart = True
        if content_transfer_encoding is not None:
            if not isinstance(content_transfer_encoding, str):
                raise TypeError(
                    "content_transfer_encoding must be an instance"
                    f" of str. Got: {content_transfer_encoding}"
                )
            warnings.warn(
                "content_transfer_encoding is deprecated. "
                "To maintain compatibility with v4 please pass a BytesPayload.",
                DeprecationWarning,
                stacklevel=2,
            )
            self._is_multipart = True
        self._fields.append((options, headers, value))

    def add_fields(self, *fields: Any) -> None:
        """Add several fields.

        Each item is a file object (named after its file, else ``"unknown"``), a
        :class:`multidict.MultiDict`/:class:`~multidict.MultiDictProxy` (its
        items), or a ``(name, value)`` pair.

        Raises:
            TypeError: An item is none of these.
        """
        pending = list(fields)
        while pending:
            item = pending.pop(0)
            if isinstance(item, io.IOBase):
                self.add_field(guess_filename(item, "unknown") or "unknown", item)
            elif isinstance(item, MultiDictProxy | MultiDict):
                pending.extend(item.items())
            elif isinstance(item, list | tuple) and len(item) == 2:
                name, value = item
                self.add_field(name, value)
            else:
                raise TypeError(
                    "Only io.IOBase, multidict and (name, file) "
                    "pairs allowed, use .add_field() for passing "
                    f"more complex parameters, got {item!r}"
                )

    def _gen_form_urlencoded(self) -> BytesPayload:
        pairs = [(options["name"], value) for options, _, value in self._fields]
        charset = self._charset if self._charset is not None else "utf-8"
        if charset == "utf-8":
            content_type = "application/x-www-form-urlencoded"
        else:
            content_type = f"application/x-www-form-urlencoded; charset={charset}"
        body = urlencode(pairs, doseq=True, encoding=charset).encode()
        return BytesPayload(body, content_type=content_type)

    def _gen_form_data(self) -> MultipartWriter:
        for options, _, value in self._fields:
            # Checked before any part is built, and raised as the file payloads
            # raise it rather than as the TypeError below: a file is a value
            # that can be sent, just not once closed.
            if isinstance(value, io.IOBase) and value.closed:
                raise ValueError(
                    f"I/O operation on closed file (field {options['name']!r})"
                )
        for options, headers, value in self._fields:
            try:
                if CONTENT_TYPE in headers:
                    part = get_payload(
                        value,
                        content_type=headers[CONTENT_TYPE],
                        headers=headers,
                        encoding=self._charset,
                    )
                else:
                    part = get_payload(value, headers=headers, encoding=self._charset)
            except Exception as exc:
                raise TypeError(
                    f"Can not serialize value type: {type(value)!r}\n "
                    f"headers: {headers!r}\n value: {value!r}"
                ) from exc
            part.set_content_disposition(
                "form-data", quote_fields=self._quote_fields, **options
            )
            # Parts are streamed inside a chunked or sized body; per-part
            # lengths confuse some servers and RFC 7578 section 4.8 drops them.
            part.headers.popall(CONTENT_LENGTH, None)
            self._writer.append_payload(part)
        self._fields.clear()
        return self._writer

    def __call__(self) -> Payload:
        """Return the body: a :class:`BytesPayload` or the :class:`MultipartWriter`.

        Multipart fields are moved into the writer, so calling again returns the
        same writer with the same parts.

        Raises:
            TypeError: No payload class handles a field's value.
            ValueError: A field's file is closed. (A file closed after the
                first call, as a sent request closes it, makes the writer's
                ``size`` raise it.)
        """
        if self._is_multipart:
            return self._gen_form_data()
        return self._gen_form_urlencoded()
