from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
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


@never_cache
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    """The footer's "system status": the same checks as ``/healthz``, in words."""
    report = health_report()
    return render(
        request, "titles/status.html", {"report": report}, status=200 if report["database"] else 503
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ask for /favicon.ico get the site's icon (pages link it themselves)."""
    return redirect(static("favicon.svg"), permanent=True)
