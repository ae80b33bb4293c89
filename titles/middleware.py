from django.conf import settings

from titles.audit import current_ip
from titles.people import request_role_cache


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
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw; earlier entries are the client's to forge.
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
