"""Abstract base classes of the client API, at aiohttp's ``aiohttp.abc`` path."""

from aioclient_core.abc import AbstractCookieJar, AbstractResolver, ResolveResult

__all__ = ["AbstractCookieJar", "AbstractResolver", "ResolveResult"]
