from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from titles.health import health_report
from titles.page_cache import cached_by_snapshot
from titles.people import dashboard_role_panels


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "titles/home.html")


@cached_by_snapshot
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """One panel per role the person holds; each stage fills its role's panel."""
    panels = dashboard_role_panels(request.user)
    context = {"role_panels": panels}
    for panel in panels:
        context.update(panel.context)
    return render(request, "titles/dashboard.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the broker and workers are reported); 503 when it does not."""
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] else 503)
