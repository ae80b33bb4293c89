"""Applications awaiting their certificate, and issued certificates."""

from applications.models import Application
from certificates.services import certificate_issue
from tests.applications.factories import complete_application
from tests.factories import UserFactory


def certifying(real_name: str = "张三丰", **kwargs) -> Application:
    """A complete application (ID number recorded) in ``certifying``."""
    applicant = UserFactory(real_name=real_name)
    return complete_application(applicant=applicant, certifying=True, **kwargs)


def issued(real_name: str = "张三丰", **kwargs):
    """A certificate issued through the service, for a new certifying application."""
    return certificate_issue(application_id=certifying(real_name, **kwargs).pk)
