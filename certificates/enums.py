from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationResult(models.TextChoices):
    """What a verification answers (the command prints the value; ``altered`` as "tampered")."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    UNKNOWN = "unknown", _("Unknown")
    ALTERED = "altered", _("Altered")
    # An uploaded PDF whose bytes differ from the file the bureau issued (issue #27).
    NOT_ISSUED = "not_issued", _("Not the issued file")


class VerificationMethod(models.TextChoices):
    NUMBER = "number", _("Number and holder's name")
    QR_CODE = "qr_code", _("QR code")
    UPLOAD = "upload", _("Uploaded PDF")
