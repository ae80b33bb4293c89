# Reference data (issue 21): the title series and disciplines a new installation starts with,
# and the bureau and the evaluation agency as organizations.
"""The professional title series (职称系列) of the national system as Beijing publishes them, with
common disciplines (专业) of each. Bureau staff edit, add or deactivate them afterwards in the
admin. Rows that already exist (same code) are left as they are, so a database that ``seed_demo``
filled before keeps its rows; reversing removes nothing (applications may point at them)."""

from django.db import migrations

# (series code, name, English name, [(discipline code, name, English name)])
TITLE_SERIES = [
    ("eng", "工程技术", "Engineering", [
        ("ei", "电子信息", "Electronic information"),
        ("ai", "人工智能", "Artificial intelligence"),
        ("ic", "集成电路", "Integrated circuits"),
        ("mech", "机械", "Mechanical engineering"),
        ("civil", "建筑工程", "Civil and building engineering"),
        ("energy", "能源", "Energy"),
        ("bio-eng", "生物医药", "Biomedicine"),
        ("env", "生态环境", "Ecology and environment"),
    ]),
    ("health", "卫生", "Health", [
        ("clinical", "临床医学", "Clinical medicine"),
        ("nursing", "护理", "Nursing"),
        ("pharmacy", "药学", "Pharmacy"),
        ("public-health", "公共卫生", "Public health"),
        ("tcm", "中医", "Traditional Chinese medicine"),
    ]),
    ("econ", "经济", "Economics", [
        ("finance", "金融", "Finance"),
        ("hr", "人力资源管理", "Human resource management"),
        ("ip", "知识产权", "Intellectual property"),
        ("digital-econ", "数字经济", "Digital economy"),
    ]),
    ("research", "自然科学研究", "Natural science research", [
        ("basic-research", "基础研究", "Fundamental research"),
        ("applied-research", "应用研究", "Applied research"),
    ]),
    ("higher-ed", "高等学校教师", "Higher education teachers", [
        ("higher-ed-teaching", "高等学校教学科研", "University teaching and research"),
    ]),
    ("accounting", "会计", "Accounting", [
        ("accounting-general", "会计", "Accounting"),
    ]),
    ("audit", "审计", "Auditing", [
        ("audit-general", "审计", "Auditing"),
    ]),
    ("statistics", "统计", "Statistics", [
        ("statistics-general", "统计", "Statistics"),
    ]),
    ("arts", "艺术", "Arts", [
        ("performing-arts", "表演艺术", "Performing arts"),
        ("fine-arts", "美术", "Fine arts"),
    ]),
    ("crafts", "工艺美术", "Arts and crafts", [
        ("intangible-heritage", "非物质文化遗产技艺", "Intangible cultural heritage crafts"),
        ("crafts-design", "工艺美术设计", "Arts and crafts design"),
    ]),
    ("press", "新闻", "Journalism", [
        ("journalism", "新闻采编", "News reporting and editing"),
    ]),
    ("publishing", "出版", "Publishing", [
        ("publishing-editing", "出版编辑", "Publishing and editing"),
    ]),
    ("heritage", "文物博物", "Cultural relics and museums", [
        ("relics", "文物保护", "Conservation of cultural relics"),
    ]),
    ("translation", "翻译", "Translation", [
        ("translation-general", "翻译", "Translation and interpreting"),
    ]),
    ("agriculture", "农业", "Agriculture", [
        ("agronomy", "农学", "Agronomy"),
    ]),
    ("law", "律师", "Lawyers", [
        ("law-practice", "律师", "Legal practice"),
    ]),
    ("sports", "体育", "Sports", [
        ("coaching", "教练", "Coaching"),
    ]),
    ("social-work", "社会工作", "Social work", [
        ("social-work-general", "社会工作", "Social work"),
    ]),
]


# The two organizations every installation has: the bureau and its evaluation service agency
# (their staff are set up on the bureau's page, without the admin).
ORGANIZATIONS = [
    (
        "北京市人力资源和社会保障局",
        "Beijing Municipal Bureau of Human Resources and Social Security",
        "municipal_bureau",
    ),
    (
        "北京市职称评审服务中心",
        "Beijing Professional Title Evaluation Service Centre",
        "evaluation_agency",
    ),
]


def organizations_add(apps, schema_editor):
    Organization = apps.get_model("titles", "Organization")
    for name, name_en, kind in ORGANIZATIONS:
        if not Organization.objects.filter(kind=kind).exists():
            Organization.objects.get_or_create(
                name=name, defaults={"name_en": name_en, "kind": kind}
            )


def series_add(apps, schema_editor):
    TitleSeries = apps.get_model("titles", "TitleSeries")
    Discipline = apps.get_model("titles", "Discipline")
    for code, name, name_en, disciplines in TITLE_SERIES:
        series = TitleSeries.objects.filter(code=code).first()
        if series is None:
            if TitleSeries.objects.filter(name=name).exists():
                continue  # entered by hand under another code: theirs stands
            series = TitleSeries.objects.create(code=code, name=name, name_en=name_en)
        for discipline_code, discipline_name, discipline_name_en in disciplines:
            if Discipline.objects.filter(code=discipline_code).exists():
                continue
            if Discipline.objects.filter(series=series, name=discipline_name).exists():
                continue
            Discipline.objects.create(
                series=series,
                code=discipline_code,
                name=discipline_name,
                name_en=discipline_name_en,
            )


class Migration(migrations.Migration):
    dependencies = [("titles", "0007_merge_0006_outbox_retention_0006_sign_in_throttle")]

    operations = [
        migrations.RunPython(series_add, migrations.RunPython.noop),
        migrations.RunPython(organizations_add, migrations.RunPython.noop),
    ]
