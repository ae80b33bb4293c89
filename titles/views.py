from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from titles.health import health_report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "titles/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the broker and workers are reported); 503 when it does not."""
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] else 503)
