from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("titles", "0002_audit")]

    operations = []
