import ipaddress

from django.conf import settings

from titles.audit import current_ip
from titles.people import request_role_cache

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def is_trusted_proxy(address: str | None) -> bool:
    """True when ``address`` (the peer of this server) is in ``TRUSTED_PROXIES``."""
    if not address:
        return False
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in settings.TRUSTED_PROXIES)


class ProxyHeadersMiddleware:
    """First in ``MIDDLEWARE``: with ``BEHIND_PROXY``, a request whose peer is not a trusted proxy
    loses every forwarding header, so a client that reaches the web server directly can forge
    neither its address (lockout, rate limits, audit) nor HTTPS (``SECURE_PROXY_SSL_HEADER``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.BEHIND_PROXY and not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the client's IP address available to the audit trail, and opens the request's cache
    of role names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        roles = request_role_cache.set({})  # each person's roles read once in this request
        try:
            return self.get_response(request)
        finally:
            request_role_cache.reset(roles)
            current_ip.reset(token)


def client_ip(request) -> str | None:
    """The client's address: the peer, or behind ``PROXY_HOPS`` trusted proxies the address the
    farthest of them saw.

    Each proxy appends the address of its own peer to ``X-Forwarded-For``; with the peer of this
    server counted as the nearest hop, the client is the entry ``PROXY_HOPS`` places left of it.
    Entries farther left are the client's own to write, so they are never read. A peer that is not
    in ``TRUSTED_PROXIES`` is itself the client (its headers are not read).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_PROXY or not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    hops = settings.PROXY_HOPS
    # Fewer entries than proxies: a proxy did not append (misconfigured); the farthest known.
    candidate = chain[-(hops + 1)] if len(chain) > hops else chain[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # No <style> elements; style="..." attributes in templates stay allowed.
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Sends ``Content-Security-Policy`` (Django 5.2 has none built in): scripts and style sheets
    from this site only, nothing inline but style attributes, no framing. A view may set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
