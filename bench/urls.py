"""The project's URLs plus the bare baseline view (only in ``bench.settings``)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

BARE = engines["django"].from_string(
    '<!doctype html><html lang="zh-hans"><head><title>{{ title }}</title></head>'
    "<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>"
    "</body></html>"
)


def bare(request):
    return HttpResponse(BARE.render({"title": "基准", "items": range(10)}, request))


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("portal.urls")),
]
