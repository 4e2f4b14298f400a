"""Where a cookie may be stored and to which requests it may be sent.

Implements RFC 6265 §5.3 steps 4-6 (the stored domain and the host-only flag,
with a minimal public-suffix policy), the candidate domains that §5.1.3 allows
for a request, and the ``__Secure-``/``__Host-`` name prefixes of RFC 6265bis
§4.1.3.
"""

from ._matching import domain_match, is_ip_literal

__all__ = ["candidate_domains", "cookie_scope", "prefix_allows"]

_MAX_HOST_LENGTH = 253


def prefix_allows(
    name: str,
    secure_attribute: bool,
    secure_origin: bool,
    domain_attribute: str,
    path_attribute: str,
) -> bool:
    """Check the RFC 6265bis §4.1.3 name-prefix requirements.

    Args:
        name: The cookie name; prefixes match case-insensitively (§5.7).
        secure_attribute: Whether the cookie has the Secure attribute.
        secure_origin: Whether the origin setting it is secure.
        domain_attribute: The Domain attribute, "" when absent.
        path_attribute: The Path attribute, "" when absent.

    Returns:
        ``False`` when a ``__Secure-`` or ``__Host-`` cookie breaks its rules.
    """
    if name[:7].lower() == "__host-":
        return (
            secure_attribute
            and secure_origin
            and not domain_attribute
            and path_attribute == "/"
        )
    if name[:9].lower() == "__secure-":
        return secure_attribute and secure_origin
    return True


def cookie_scope(
    host: str | None, domain_attribute: str, unsafe: bool
) -> tuple[str, bool] | None:
    """Resolve the stored domain and the host-only flag of a new cookie.

    Args:
        host: The lower-case host that sent the cookie, or ``None`` for a
            cookie supplied by the caller without a response URL.
        domain_attribute: The Domain attribute, "" when absent.
        unsafe: Whether IP-address hosts are allowed.

    Returns:
        ``(domain, host_only)`` (domain "" for shared cookies), or ``None`` when
        the cookie must be ignored.
    """
    domain = domain_attribute.lower()
    if domain.startswith("."):
        domain = domain[1:]  # §5.2.3: only the one leading dot goes
    if host is None:
        if not domain_attribute:
            return ("", False)
        if not domain or domain.endswith(".") or not domain.isascii():
            return None
        if is_ip_literal(domain):
            return (domain, True) if unsafe else None
        return (domain, False) if "." in domain else None
    if is_ip_literal(host):
        # IP literals never domain-match anything but themselves; a
        # trailing-dot Domain is ignored here too (host-only, as below).
        if not unsafe or (domain and not domain.endswith(".") and domain != host):
            return None
        return (host, True)
    if not domain or domain.endswith("."):
        # No Domain attribute, or a trailing-dot one: host-only.
        return (host, True)
    if not domain.isascii():
        return None
    if "." not in domain:
        # Minimal public-suffix policy: a single label is a TLD unless it is
        # the host itself, which then gets a host-only cookie (§5.3 step 5).
        return (host, True) if domain == host else None
    if not domain_match(host, domain):
        return None
    return (domain, False)


def candidate_domains(host: str, unsafe: bool) -> list[str]:
    """List the stored domains whose cookies may go to *host*.

    Args:
        host: The lower-case request host ("" if the URL has none).
        unsafe: Whether IP-address hosts may receive host cookies.

    Returns:
        "" (shared cookies) followed by the host and each parent domain;
        an IP literal only ever matches itself (RFC 6265 §5.1.3).
    """
    domains = [""]
    if not host:
        return domains
    if is_ip_literal(host):
        if unsafe:
            domains.append(host)
        return domains
    domains.append(host)
    if len(host) > _MAX_HOST_LENGTH:
        # Not a valid DNS name (RFC 1035 §2.3.4); giving it only its own
        # cookies keeps the suffix walk from going quadratic.
        return domains
    start = host.find(".")
    while start != -1:
        if start + 1 < len(host):
            domains.append(host[start + 1 :])
        start = host.find(".", start + 1)
    return domains
