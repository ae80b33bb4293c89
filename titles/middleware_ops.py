"""The request's id, its log line and its metrics (second in ``MIDDLEWARE``, after the proxy
headers are settled and before the page cache, so kept pages are counted too)."""

import logging
import re
import time
import uuid

from django.urls import Resolver404, resolve

from titles.logs import request_id_var, request_var
from titles.middleware import is_trusted_proxy

log = logging.getLogger("titles.request")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_for(request) -> str:
    """The trusted proxy's ``X-Request-ID`` when it sent a well-formed one (so the proxy's log
    and ours share it), else a new random id."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if given and _REQUEST_ID.match(given) and is_trusted_proxy(request.META.get("REMOTE_ADDR")):
        return given
    return uuid.uuid4().hex


def route_of(request) -> tuple[str, str]:
    """(route pattern, view name) of the request: never the path, which may carry a token."""
    match = getattr(request, "resolver_match", None)
    if match is None:  # answered before URL resolution (a kept page), or no route
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched", ""
    return (match.route or "/", match.view_name or "")


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from titles.metrics import request_observe  # noqa: PLC0415 — slow import: prometheus_client, loaded with the first request

        request_id = request_id_for(request)
        id_token = request_id_var.set(request_id)
        request_token = request_var.set(request)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            duration = time.perf_counter() - started
            route, view = route_of(request)
            request_observe(
                method=request.method, view=view or route, status=status, seconds=duration
            )
            log.info(
                "%s %s %s",
                request.method,
                route,
                status,
                extra={
                    "method": request.method,
                    "route": route,
                    "view": view,
                    "status": status,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
            request_var.reset(request_token)
            request_id_var.reset(id_token)
