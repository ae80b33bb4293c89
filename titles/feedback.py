"""How a page answers a form post: errors and refusals become messages, never an error page.

Shared by every stage's views: part of the foundation's kit, so that no stage imports another's
views for it.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from titles.errors import ApplicationError


def form_errors_report(request, form) -> None:
    """Each of an invalid form's errors as a message on the next page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def form_decide(request, *, application, form, action, success) -> HttpResponse:
    """Validate ``form``, run ``action(cleaned_data)``, say how it went, back to the application."""
    if not form.is_valid():
        form_errors_report(request, form)
    else:
        try:
            action(form.cleaned_data)
            messages.success(request, success)
        except ApplicationError as error:
            messages.error(request, error.message)
    return redirect("applications:detail", pk=application.pk)
