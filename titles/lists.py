"""The list kit: what every queue and list of the stages shares (issue #23).

``ListKit(request, columns=..., todo=..., done=...)`` reads the list's query string
(``q``, ``state``, ``since``, ``until``, ``round``, ``view``, ``sort``, ``page``), narrows the
queryset, orders it by a sortable column, pages it with ``QueuePaginator`` and keeps the
filters in the page links; ``kit.respond(...)`` renders the page, or, with ``?format=xlsx``,
streams exactly the rows the filters show as an Excel workbook: column titles in the viewer's
language, dates and times in Asia/Shanghai. The workbook is written by ``openpyxl`` in
write-only mode, chunk by chunk of the queryset, into a temporary file that the response then
streams: memory stays flat at 100,000 rows (``bench/exports.py``).

Search (``application_search``) finds an application by its reference (``GJ0000123`` or
``123``), its applicant's name, its employer or recommending body and its series.
"""

import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from titles.models import Round
from titles.pagination import QueuePaginator

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPORT_CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_REFERENCE = re.compile(r"^\s*(?:GJ)?0*(\d{1,9})\s*$", re.IGNORECASE)


def application_search(queryset: QuerySet, text: str, prefix: str = "") -> QuerySet:
    """Rows whose application (``prefix`` leads to it, e.g. ``"application__"``) matches
    ``text``: its reference exactly, or the applicant's name, the organization or the series."""
    text = text.strip()
    if not text:
        return queryset
    match = _REFERENCE.match(text)
    found = (
        Q(**{f"{prefix}applicant__real_name__icontains": text})
        | Q(**{f"{prefix}employer__name__icontains": text})
        | Q(**{f"{prefix}employer__name_en__icontains": text})
        | Q(**{f"{prefix}recommending_body__name__icontains": text})
        | Q(**{f"{prefix}title_series__name__icontains": text})
        | Q(**{f"{prefix}title_series__name_en__icontains": text})
    )
    if match:
        found |= Q(**{f"{prefix}pk": int(match.group(1))})
    return queryset.filter(found)


@dataclass(frozen=True)
class Column:
    """One column of a list: its title, its value for a row, and the fields it sorts by."""

    key: str
    label: str | Promise
    value: Callable[[Any], Any]
    order: tuple[str, ...] = ()
    shown: bool = True  # False: in the export only
    exported: bool = True  # False: on the page only (a checkbox)

    @property
    def sortable(self) -> bool:
        return bool(self.order)


class ListForm(forms.Form):
    """The query string every list understands; bad values are dropped, never a 500."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    round = forms.TypedChoiceField(label=_("Round"), coerce=int, required=False, empty_value=None)
    view = forms.ChoiceField(choices=[("todo", _("To do")), ("done", _("Done"))], required=False)
    sort = forms.CharField(max_length=40, required=False)

    def __init__(self, *args, states=None, rounds=None, dated=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Reference, name, organization, series")
        if states:
            self.fields["state"].choices = [("", _("All")), *states]
        else:
            del self.fields["state"]
        if rounds:
            self.fields["round"].choices = [("", _("All")), *rounds]
        else:
            del self.fields["round"]
        if not dated:
            del self.fields["since"], self.fields["until"]

    def cleaned(self) -> dict:
        """The valid values only: one bad field does not drop the others."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }


class ListKit:
    """Search, sort, to-do/done, pages that keep the filters, and the Excel export of a list.

    ``todo`` is the queryset of the "to do" view; ``done`` (optional) the "done" view's (either
    may be a function that makes it, called only for its own view).
    ``rows`` turns a list of objects into the rows the columns read (a page's relations in a
    fixed number of queries); ``search(queryset, text)`` narrows by the search box;
    ``states`` offers a state filter on ``state_field`` (a field, or a function that filters);
    ``date_field`` is filtered by ``since``/``until`` (days in Asia/Shanghai); ``round_field``
    by ``round``.
    """

    def __init__(
        self,
        request: HttpRequest,
        *,
        columns: list[Column],
        todo: QuerySet | Callable[[], QuerySet],
        done: QuerySet | Callable[[], QuerySet] | None = None,
        rows: Callable[[list], Iterable] | None = None,
        search: Callable[[QuerySet, str], QuerySet] | None = application_search,
        states: Iterable[tuple[str, Any]] | None = None,
        state_field: str | Callable[[QuerySet, str], QuerySet] = "state",
        date_field: str | None = "submitted_at",
        round_field: str | None = None,
        per_page: int = 25,
        paginator_class=QueuePaginator,
        filename: str = "list",
        default_sort: str = "",
    ):
        self.request = request
        self.columns = columns
        self.rows = rows or list
        self.per_page = per_page
        self.paginator_class = paginator_class
        self.filename = filename
        self.has_done = done is not None
        rounds = None
        if round_field:
            rounds = [(r.pk, str(r)) for r in Round.objects.order_by("-year", "-opens_on")]
        self.form = ListForm(
            request.GET or None, states=states, rounds=rounds, dated=bool(date_field)
        )
        data = self.form.cleaned()
        self.view = "done" if self.has_done and data.get("view") == "done" else "todo"
        queryset = done if self.view == "done" else todo
        if callable(queryset):  # built only when its view is asked for
            queryset = queryset()
        if search and data.get("q"):
            queryset = search(queryset, data["q"])
        if data.get("state"):
            if callable(state_field):
                queryset = state_field(queryset, data["state"])
            else:
                queryset = queryset.filter(**{state_field: data["state"]})
        if date_field and data.get("since"):
            start = datetime.combine(data["since"], time.min, SHANGHAI)
            queryset = queryset.filter(**{f"{date_field}__gte": start})
        if date_field and data.get("until"):
            end = datetime.combine(data["until"], time.max, SHANGHAI)
            queryset = queryset.filter(**{f"{date_field}__lte": end})
        if round_field and data.get("round"):
            queryset = queryset.filter(**{round_field: data["round"]})
        self.sort, self.descending = "", False
        wanted = data.get("sort") or default_sort
        key = wanted.lstrip("-")
        column = next((c for c in columns if c.key == key and c.sortable), None)
        if column is not None:
            self.sort, self.descending = key, wanted.startswith("-")
            sign = "-" if self.descending else ""
            queryset = queryset.order_by(*(sign + field for field in column.order), sign + "pk")
        self.queryset = queryset

    # --- the page ---------------------------------------------------------------------------

    @cached_property
    def page(self):
        page = self.paginator_class(self.queryset, self.per_page).get_page(
            self.request.GET.get("page")
        )
        page.rows = list(self.rows(list(page.object_list)))
        return page

    def _query(self, **changes) -> str:
        query = self.request.GET.copy()
        for name in ("page", "format", *changes):
            query.pop(name, None)
        for name, value in changes.items():
            if value:
                query[name] = value
        return query.urlencode()

    @property
    def query(self) -> str:
        """The filters without the page number: the page links add theirs."""
        return self._query()

    @property
    def export_query(self) -> str:
        return self._query(format="xlsx")

    @property
    def view_query(self) -> dict[str, str]:
        """The query strings of the "to do" and the "done" view (same filters, first page)."""
        return {"todo": self._query(view=""), "done": self._query(view="done")}

    @property
    def headers(self) -> list[dict]:
        """The columns' titles, with a link that sorts by a sortable one (again: reversed)."""
        headers = []
        for column in self.columns:
            header = {"label": column.label, "key": column.key, "url": None, "aria": None}
            header["shown"] = column.shown
            if column.sortable:
                current = self.sort == column.key
                wanted = f"-{column.key}" if current and not self.descending else column.key
                header["url"] = "?" + self._query(sort=wanted)
                if current:
                    header["aria"] = "descending" if self.descending else "ascending"
            headers.append(header)
        return headers

    @property
    def wants_export(self) -> bool:
        return self.request.GET.get("format") == "xlsx"

    def respond(self, template: str, context: dict | None = None) -> HttpResponse:
        """The page, or its rows as an Excel workbook at ``?format=xlsx``."""
        if self.wants_export:
            return self.export()
        return render(self.request, template, {"list": self, "page": self.page, **(context or {})})

    # --- the export -------------------------------------------------------------------------

    def export_rows(self) -> Iterable:
        """Every row the filters show, a chunk at a time (a fixed number of queries a chunk)."""
        chunk: list = []
        for item in self.queryset.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(item)
            if len(chunk) == EXPORT_CHUNK:
                yield from self.rows(chunk)
                chunk = []
        if chunk:
            yield from self.rows(chunk)

    @property
    def exported(self) -> list[Column]:
        return [column for column in self.columns if column.exported]

    def export(self) -> FileResponse:
        return xlsx_response(
            title=self.filename,
            headers=[force_str(column.label) for column in self.exported],
            rows=([column.value(row) for column in self.exported] for row in self.export_rows()),
        )


def cell(value):
    """A value as Excel keeps it: times in Asia/Shanghai (Excel has no time zones), labels as
    text in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(SHANGHAI)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date | int | float | bool | str):
        return value
    return force_str(value)


def xlsx_response(*, title: str, headers: list[str], rows: Iterable[list]) -> FileResponse:
    """A one-sheet workbook streamed from a temporary file (write-only: rows go to disk)."""
    return xlsx_sheets_response(title=title, sheets=[(title, headers, rows)])


def xlsx_sheets_response(
    *, title: str, sheets: Iterable[tuple[str, list[str], Iterable[list]]]
) -> FileResponse:
    """A workbook of ``(name, headers, rows)`` sheets, streamed from a temporary file."""
    from openpyxl import Workbook  # noqa: PLC0415 — slow import: only exports need it
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 — slow import: as above
    from openpyxl.styles import Font  # noqa: PLC0415 — slow import: as above

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(title=force_str(name)[:31])
        header_cells = []
        for header in headers:
            header_cell = WriteOnlyCell(sheet, value=force_str(header))
            header_cell.font = bold
            header_cells.append(header_cell)
        sheet.append(header_cells)
        for row in rows:
            values = [cell(value) for value in row]
            sheet.append(
                [
                    _dated(sheet, value) if isinstance(value, datetime | date) else value
                    for value in values
                ]
            )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — the response closes it when sent
    workbook.save(handle)
    handle.seek(0)
    stamp = timezone.localtime(timezone.now(), SHANGHAI).strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle, as_attachment=True, filename=f"{title}-{stamp}.xlsx", content_type=XLSX
    )


def _dated(sheet, value):
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 — slow import: only exports need it

    written = WriteOnlyCell(sheet, value=value)
    written.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd"
    return written


def _organization(application):
    return application.recommending_body if application.is_freelancer else application.employer


def _application_column_set() -> dict[str, Column]:
    columns = [
        Column("reference", _("Reference"), lambda a: a.reference, ("id",)),
        Column(
            "applicant",
            _("Applicant"),
            lambda a: a.applicant.display_name,
            ("applicant__real_name",),
        ),
        Column("category", _("Category"), lambda a: a.category_label, ("category",)),
        Column("series", _("Series"), lambda a: a.title_series, ("title_series__name",)),
        Column("discipline", _("Discipline"), lambda a: a.discipline, ("discipline__name",)),
        Column("level", _("Level"), lambda a: a.level_label),
        Column("organization", _("Organization"), _organization, ("employer__name",)),
        Column("state", _("State"), lambda a: a.state_label, ("state",)),
        Column("round", _("Round"), lambda a: a.round or ""),
        Column("submitted", _("Submitted"), lambda a: a.submitted_at, ("submitted_at",)),
    ]
    return {column.key: column for column in columns}


def application_columns(
    shown: Iterable[str] = (
        "reference",
        "applicant",
        "category",
        "discipline",
        "organization",
        "state",
    ),
    *,
    due: Column | None = None,
    extra: Iterable[Column] = (),
) -> list[Column]:
    """An application list's columns: ``shown`` in the page's order (a key of the set or a
    column of the page's own; then ``due``), then the others of the set for the export only,
    then ``extra``. Rows must have joined
    ``applicant``, ``employer``, ``recommending_body``, ``title_series``, ``discipline`` and
    ``round``."""
    available = _application_column_set()
    shown = list(shown)
    columns = [available[key] if isinstance(key, str) else key for key in shown]
    if due is not None:
        columns.append(due)
    hidden = [
        Column(c.key, c.label, c.value, c.order, shown=False)
        for key, c in available.items()
        if key not in {c.key for c in columns}
    ]
    return [*columns, *hidden, *extra]


def through(attribute: str, columns: Iterable[Column]) -> list[Column]:
    """``columns`` read from each row's ``attribute`` (a row that carries its application)."""

    def reader(value):
        return lambda row: value(getattr(row, attribute))

    return [Column(c.key, c.label, reader(c.value), c.order, c.shown, c.exported) for c in columns]
