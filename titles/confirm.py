"""Asking before an action that cannot be undone (issue #22).

The action's own form posts to its view as before; without ``confirmed=1`` the view answers
with :func:`confirmation_page`, which says what will happen and what cannot be undone, and posts
the same fields back with ``confirmed=1``. Nothing changes until then. The applicant's
withdrawal page is the model: one page, the consequence in words, a red button and "Cancel".
Part of the foundation's kit, shared by every stage's views.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request: HttpRequest) -> bool:
    """Whether the post comes from the confirmation page."""
    return request.POST.get(CONFIRMED) == "1"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    irreversible: str,
    button: str,
    cancel_url: str,
    quoted: list[tuple[str, str]] = (),
    status: int = 200,
) -> HttpResponse:
    """The page asking to confirm: ``consequences`` (what will happen, one sentence each),
    ``irreversible`` (what cannot be undone), ``quoted`` (label, text: what was typed, shown
    back, such as the reason), then ``button`` posting the same fields with ``confirmed=1``."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "titles/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "irreversible": irreversible,
            "button": button,
            "cancel_url": cancel_url,
            "quoted": quoted,
            "carried": carried,
            "action": request.get_full_path(),
        },
        status=status,
    )
