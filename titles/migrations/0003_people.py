# People, organizations, roles and personal data (issue 3).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import titles.models.people


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("titles", "0002_audit"),
    ]

    operations = [
        migrations.CreateModel(
            name="TitleSeries",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=100, verbose_name="name in English"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "title series",
                "verbose_name_plural": "title series",
                "ordering": ["code"],
            },
        ),
        migrations.AddField(
            model_name="user",
            name="id_number_encrypted",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=120,
                verbose_name="resident ID number (encrypted)",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="id_number_hash",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=64,
                null=True,
                unique=True,
                verbose_name="resident ID number lookup hash",
            ),
        ),
        migrations.CreateModel(
            name="Organization",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="name in English"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("employer", "Employer"),
                            ("industry_association", "Industry association"),
                            ("learned_society", "Learned society"),
                            ("district_hr_bureau", "District HR and social security bureau"),
                            ("qualification_authority", "Professional qualification authority"),
                            ("industry_authority", "Competent industry authority"),
                            ("evaluation_agency", "Evaluation service agency"),
                            ("municipal_bureau", "Municipal HR and social security bureau"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                (
                    "district",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("dongcheng", "Dongcheng District"),
                            ("xicheng", "Xicheng District"),
                            ("chaoyang", "Chaoyang District"),
                            ("fengtai", "Fengtai District"),
                            ("shijingshan", "Shijingshan District"),
                            ("haidian", "Haidian District"),
                            ("mentougou", "Mentougou District"),
                            ("fangshan", "Fangshan District"),
                            ("tongzhou", "Tongzhou District"),
                            ("shunyi", "Shunyi District"),
                            ("changping", "Changping District"),
                            ("daxing", "Daxing District"),
                            ("huairou", "Huairou District"),
                            ("pinggu", "Pinggu District"),
                            ("miyun", "Miyun District"),
                            ("yanqing", "Yanqing District"),
                        ],
                        help_text="Required for a district HR bureau: the district it serves.",
                        max_length=20,
                        verbose_name="district",
                    ),
                ),
                (
                    "unified_social_credit_code",
                    models.CharField(
                        blank=True,
                        max_length=18,
                        null=True,
                        unique=True,
                        validators=[titles.models.people.credit_code_validate],
                        verbose_name="unified social credit code",
                    ),
                ),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="Inactive organizations cannot be chosen any more.",
                        verbose_name="active",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
            ],
            options={
                "verbose_name": "organization",
                "verbose_name_plural": "organizations",
                "ordering": ["kind", "name"],
                "permissions": [
                    ("act_for_organization", "Can act for the organization"),
                    ("review_for_organization", "Can review applications for the organization"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("kind", "district_hr_bureau"),
                            models.Q(("district", ""), _negated=True),
                        ),
                        fields=("district",),
                        name="titles_one_hr_bureau_per_district",
                        violation_error_message="This district already has an HR bureau.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OrganizationGroupObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="titles.organization",
                        verbose_name="organization",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group"),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
            ],
            options={
                "verbose_name": "organization permission of a group",
                "verbose_name_plural": "organization permissions of groups",
                "abstract": False,
                "unique_together": {("group", "permission", "content_object")},
            },
        ),
        migrations.CreateModel(
            name="OrganizationUserObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="titles.organization",
                        verbose_name="organization",
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "organization permission of a person",
                "verbose_name_plural": "organization permissions of people",
                "abstract": False,
                "unique_together": {("user", "permission", "content_object")},
            },
        ),
        migrations.CreateModel(
            name="RoleAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("applicant", "Applicant"),
                            ("employer_reviewer", "Employer reviewer"),
                            ("agency_staff", "Evaluation agency staff"),
                            ("panel_expert", "Panel expert"),
                            ("committee_member", "Committee member"),
                            ("committee_chairman", "Committee chairman"),
                            ("bureau_staff", "Bureau staff"),
                        ],
                        max_length=30,
                        verbose_name="role",
                    ),
                ),
                (
                    "granted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="granted at"
                    ),
                ),
                (
                    "granted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="granted by",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="role_assignments",
                        to="titles.organization",
                        verbose_name="organization",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_assignments",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "role assignment",
                "verbose_name_plural": "role assignments",
                "ordering": ["user_id", "role", "organization_id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("organization__isnull", False)),
                        fields=("user", "role", "organization"),
                        name="titles_role_once_per_organization",
                        violation_error_message="This person already holds this role there.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("organization__isnull", True)),
                        fields=("user", "role"),
                        name="titles_role_once_without_organization",
                        violation_error_message="This person already holds this role.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Discipline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=100, verbose_name="name in English"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "series",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="disciplines",
                        to="titles.titleseries",
                        verbose_name="title series",
                    ),
                ),
            ],
            options={
                "verbose_name": "discipline",
                "verbose_name_plural": "disciplines",
                "ordering": ["series__code", "code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("series", "name"),
                        name="titles_discipline_name_per_series",
                        violation_error_message="The series already has a discipline of this name.",
                    )
                ],
            },
        ),
    ]
