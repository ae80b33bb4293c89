"""The password backend: Django's ``ModelBackend``, reading what every page needs with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from titles.enums import Role
from titles.models import Notification
from titles.people import role_names_seed


class AccountBackend(ModelBackend):
    """``get_user`` loads the signed-in person with their role names and their unread notices'
    count in one query: every signed-in page reads all three (navigation, permission checks,
    the header), and each was a query of its own."""

    def get_user(self, user_id):
        roles = Group.objects.filter(user=OuterRef("pk"), name__in=Role.values).values("name")
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(count=Count("pk"))
            .values("count")
        )
        user = (
            get_user_model()
            ._default_manager.filter(pk=user_id)
            .annotate(
                role_name_list=ArraySubquery(roles),
                unread_notification_count=Coalesce(
                    Subquery(unread, output_field=IntegerField()), Value(0)
                ),
            )
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        role_names_seed(user, user.role_name_list)
        return user
