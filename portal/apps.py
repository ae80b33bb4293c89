from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top floor: the pages made of every stage's parts, rule 10, the site's URLs, the demo."""

    name = "portal"
    verbose_name = _("Portal")
