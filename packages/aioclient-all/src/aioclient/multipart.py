"""Multipart bodies, at aiohttp's ``aiohttp.multipart`` path."""

from aioclient_forms import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    BodyPartReader,
    MultipartReader,
    MultipartResponseWrapper,
    MultipartWriter,
    content_disposition_filename,
    parse_content_disposition,
)

__all__ = [
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "MultipartReader",
    "MultipartResponseWrapper",
    "MultipartWriter",
    "content_disposition_filename",
    "parse_content_disposition",
]
