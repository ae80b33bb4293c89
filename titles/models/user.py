from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from titles.id_numbers import id_number_decrypt, id_number_mask


class User(AbstractUser):
    """A person who signs in. Roles and organizations are attached by the people services.

    The resident ID number is never stored in clear: ``id_number_encrypted`` holds it encrypted
    and ``id_number_hash`` a keyed hash for exact lookups. Set it only with
    :func:`titles.people.person_set_id_number`; read it with :attr:`id_number` (the holder) or
    :func:`titles.people.id_number_for_viewer` (anyone).
    """

    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    id_number_encrypted = models.CharField(
        _("resident ID number (encrypted)"), max_length=120, blank=True, editable=False
    )
    id_number_hash = models.CharField(
        _("resident ID number lookup hash"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.real_name or self.get_full_name() or self.username

    @property
    def id_number(self) -> str:
        """The number in clear (decrypted), or an empty string. Show it to the holder only."""
        return id_number_decrypt(self.id_number_encrypted)

    @property
    def id_number_masked(self) -> str:
        """``110***********1234``: what everyone but the holder sees."""
        return id_number_mask(self.id_number)
