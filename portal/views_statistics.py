"""The statistics page for bureau and agency staff (issue #23), and its Excel export."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from applications.enums import Category
from applications.models import Application
from portal.statistics import applications_for, bar_chart, statistics
from titles.lists import xlsx_sheets_response
from titles.models import Round, TitleSeries
from titles.permissions import is_agency_staff, is_bureau_staff


class StatisticsFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    round = forms.TypedChoiceField(label=_("Round"), coerce=int, required=False, empty_value=None)
    series = forms.TypedChoiceField(label=_("Series"), coerce=int, required=False, empty_value=None)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(
            {
                y
                for y in Application.objects.filter(submitted_at__isnull=False)
                .annotate(y=ExtractYear("submitted_at"))
                .values_list("y", flat=True)
                .distinct()
            }
            | {timezone.localdate().year},
            reverse=True,
        )
        self.fields["year"].choices = [("", _("All")), *((y, str(y)) for y in years)]
        self.fields["round"].choices = [
            ("", _("All")),
            *((r.pk, str(r)) for r in Round.objects.all()),
        ]
        self.fields["series"].choices = [
            ("", _("All")),
            *((s.pk, str(s)) for s in TitleSeries.objects.order_by("name")),
        ]
        self.fields["category"].choices = [("", _("All")), *Category.choices]


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """This year's figures by default; bureau and agency staff only (a 404 for anyone else)."""
    if not (is_bureau_staff(request.user) or is_agency_staff(request.user)):
        raise Http404
    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(timezone.localdate().year)
    form = StatisticsFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"year": timezone.localdate().year}
    figures = statistics(
        applications_for(
            year=filters.get("year"),
            round_id=filters.get("round"),
            series_id=filters.get("series"),
            category=filters.get("category") or "",
        )
    )
    if request.GET.get("format") == "xlsx":
        return _export(figures)
    charts = {
        "states": mark_safe(bar_chart([(str(label), n) for _s, label, n in figures.by_state])),  # noqa: S308 — escaped in bar_chart
        "durations": mark_safe(  # noqa: S308 — escaped in bar_chart
            bar_chart([(str(row["label"]), row["median"]) for row in figures.durations])
        ),
    }
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "portal/statistics.html",
        {"form": form, "figures": figures, "charts": charts, "export_query": query.urlencode()},
    )


def _export(figures) -> HttpResponse:
    return xlsx_sheets_response(
        title="statistics",
        sheets=[
            (
                _("By state"),
                [_("State"), _("Applications")],
                [[label, n] for _s, label, n in figures.by_state],
            ),
            (
                _("Stage durations"),
                [_("Stage"), _("Applications"), _("Median (working days)"), _("90th percentile")],
                [[r["label"], r["count"], r["median"], r["p90"]] for r in figures.durations],
            ),
            (
                _("By series"),
                [_("Series"), _("Applications"), _("Certified")],
                [list(row) for row in figures.by_series],
            ),
            (
                _("By category"),
                [_("Category"), _("Applications"), _("Certified")],
                [list(row) for row in figures.by_category],
            ),
            (_("Overdue"), [_("What"), _("Count")], [[str(k), n] for k, n in figures.overdue]),
            (
                _("Committee"),
                [_("Decided"), _("Approved"), _("Approval rate (%)")],
                [
                    [
                        figures.committee["decided"],
                        figures.committee["approved"],
                        figures.committee["rate"],
                    ]
                ],
            ),
            (_("Supplements"), [_("Supplements requested")], [[figures.supplements]]),
            (
                _("Objections"),
                [_("Notice"), _("Outcome"), _("Count")],
                [[str(kind), label, n] for kind, label, n in figures.objections],
            ),
        ],
    )
