"""Form bodies, at aiohttp's ``aiohttp.formdata`` path."""

from aioclient_forms import FormData

__all__ = ["FormData"]
