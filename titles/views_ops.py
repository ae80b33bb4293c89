"""Operations pages: the Prometheus metrics (``/healthz`` is in titles.views)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from titles.metrics import metrics_allowed, metrics_scrape
from titles.middleware import client_ip


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for staff signed in with two factors or the monitoring network; 404
    for everyone else (the page does not announce itself)."""
    if not metrics_allowed(request, client_ip(request)):
        raise Http404
    return HttpResponse(metrics_scrape(), content_type=CONTENT_TYPE_LATEST)
