"""Reads for certificates: an application's certificate, its verifications, issuance progress."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from applications.enums import ApplicationState
from bureau.models import PublicNotice
from certificates.models import Certificate, Verification
from certificates.permissions import can_download

S = ApplicationState
# Applicants of a notice who have passed it (their certificate is due or issued).
PASSED_STATES = [S.CERTIFYING, S.CERTIFIED, S.REVOKED]


def certificate_of(application) -> Certificate | None:
    return Certificate.objects.filter(application=application).first()


def certificate_visible(*, pk: int, user) -> Certificate | None:
    """The certificate if ``user`` may download it (the holder, bureau staff), else None."""
    certificate = (
        Certificate.objects.select_related("application").filter(pk=pk).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if certificate is None or not can_download(user, certificate):
        return None
    return certificate


def verifications_of(certificate: Certificate) -> QuerySet[Verification]:
    return Verification.objects.filter(certificate=certificate).order_by("-verified_at", "-pk")


@dataclass(frozen=True)
class IssuanceProgress:
    issued: int
    total: int

    @property
    def done(self) -> bool:
        return self.issued >= self.total

    def as_dict(self) -> dict:
        return {"issued": self.issued, "total": self.total, "done": self.done}


def notice_issuance_progress(notice: PublicNotice) -> IssuanceProgress:
    """Of the notice's applicants who passed it, how many have their certificate: one query."""
    counts = notice.entries.aggregate(
        total=Count("pk", filter=Q(application__state__in=PASSED_STATES)),
        issued=Count(
            "pk",
            filter=Q(
                application__state__in=PASSED_STATES,
                application__certificate__isnull=False,
            ),
        ),
    )
    return IssuanceProgress(issued=counts["issued"], total=counts["total"])


def notices_for_issuance() -> QuerySet[PublicNotice]:
    """Notices with applicants who passed them, each with ``issued`` and ``total``: one query."""
    return (
        PublicNotice.objects.annotate(
            total=Count("entries", filter=Q(entries__application__state__in=PASSED_STATES)),
            issued=Count(
                "entries",
                filter=Q(
                    entries__application__state__in=PASSED_STATES,
                    entries__application__certificate__isnull=False,
                ),
            ),
        )
        .filter(total__gt=0)
        .order_by("-published_at", "-pk")
    )


def certificate_register():
    """Every certificate for the bureau's register (no PDF read), with its verification count
    (counted for the rows of a page or an export chunk only, in the same query)."""
    return (
        Certificate.objects.defer("pdf", "signature")
        .annotate(verification_count=Count("verifications"))
        .order_by("-issued_at", "-pk")
    )


def certificate_search(queryset, text: str):
    text = text.strip()
    if not text:
        return queryset
    found = (
        Q(number__icontains=text)
        | Q(holder_name__icontains=text)
        | Q(series__icontains=text)
        | Q(series_en__icontains=text)
        | Q(discipline__icontains=text)
    )
    digits = text.upper().removeprefix("GJ").lstrip("0")
    if digits.isdigit():
        found |= Q(application_id=int(digits))
    return queryset.filter(found)
