"""Stray bytes: a request whose text carries control characters is refused before any view.

PostgreSQL cannot store NUL in a text column (a sign-in with one in the user name answered 500,
from the failed-sign-in record), and no person types the other C0 and C1 control characters
(escape sequences, backspaces, form feeds) into a form. ``ControlCharacterMiddleware`` therefore
answers 400 with a page in the user's language saying what to do, when the path, a query or form
field name, or a query or form value holds one. Values may hold tabs and line breaks (text areas
send them); names and paths may not. Uploaded files are the upload gate's to judge (their names
too, with their own message). A cookie with a control character is dropped, not refused: the
browser would send it with every request, and the visitor could not get past the refusal.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

# C0 controls, DEL and C1 controls; values may keep tab, line feed and carriage return.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def stray_characters_in(request: HttpRequest) -> bool:
    """True when the request's path, query or form fields carry a control character."""
    if CONTROL.search(request.path):
        return True
    fields = [request.GET]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        fields.append(request.POST)
    for data in fields:
        for name, values in data.lists():
            if CONTROL.search(name):
                return True
            if any(isinstance(v, str) and CONTROL_IN_VALUE.search(v) for v in values):
                return True
    return False


class ControlCharacterMiddleware:
    """Before sessions, users and views in ``MIDDLEWARE`` (after the headers every response
    gets): nothing behind it sees a control character from the client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookies = request.COOKIES
        if any(CONTROL.search(name) or CONTROL.search(value) for name, value in cookies.items()):
            request.COOKIES = {
                name: value
                for name, value in cookies.items()
                if not (CONTROL.search(name) or CONTROL.search(value))
            }
        if stray_characters_in(request):
            return stray_characters_refused(request)
        return self.get_response(request)


def stray_characters_refused(request: HttpRequest) -> HttpResponse:
    """The 400 page, in the visitor's language (the locale middleware has not run yet)."""
    with translation.override(translation.get_language_from_request(request)):
        response = render(request, "400.html", {"stray_characters": True}, status=400)
    response.headers["Cache-Control"] = "no-store"
    return response
