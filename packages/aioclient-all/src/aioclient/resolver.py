"""Name resolvers, at aiohttp's ``aiohttp.resolver`` path."""

from aioclient_core import AsyncResolver, DefaultResolver, ThreadedResolver

__all__ = ["AsyncResolver", "DefaultResolver", "ThreadedResolver"]
