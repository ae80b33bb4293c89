# Reference data (issue 21): the eligibility checklist a new installation starts with.
"""An English text for each checklist item, and the checklist itself from the FAQ: the checks
every application passes (an empty category) and each category's criterion (criteria 1-4 and
its "+1" recommender). Bureau staff edit, reorder or deactivate the items afterwards in the
admin. An item whose text already exists is left alone; reversing removes nothing (supplement
requests may name the items)."""

from django.db import migrations, models

# (category, order, text, English text); "" is every category.
CHECKLIST = [
    ("", 10, "与在京企业、事业单位或社会组织建立人事或劳动关系（自由职业者由行业协会、学会或居住地所在区人力社保部门推荐）",
     "Has a personnel or labour relation with a Beijing enterprise, public institution or social "
     "organization (a freelancer is recommended by an industry association, a learned society or "
     "the HR bureau of the district of residence)"),
    ("", 20, "申报材料客观、真实、完整，申报人已签署真实性承诺",
     "The application materials are objective, accurate and complete, and the applicant has "
     "signed the authenticity declaration"),
    ("", 30, "三名具有高级职称的同行专家推荐，推荐意见齐全",
     "Three in-field experts holding senior professional titles recommend the applicant, each "
     "with a recommendation"),
    ("", 40, "用人单位已完成初审，并在单位内部公示不少于5个工作日，无异议后正式推荐",
     "The employer reviewed the application, posted an internal notice of at least five working "
     "days and, with no objection upheld, formally recommended it"),
    ("high_level", 110, "入选市级及以上高层次人才计划，或在本市高精尖产业、战略性新兴产业中作出重大贡献",
     "Awardee of a high-level talent program at municipal level or above, or a major "
     "contribution in Beijing's high-end, precision and advanced or strategic emerging industries"),
    ("high_level", 120, "由申报人所在单位主要负责人推荐",
     "Recommended by the chief officer of the applicant's organization"),
    ("international", 110, "取得《北京市境外职业资格认可目录》内急需紧缺职业资格，并作出突出贡献",
     "Holds an urgently needed qualification in the Catalogue of Overseas Vocational "
     "Qualifications Recognized in Beijing, with outstanding contributions"),
    ("international", 120, "由相关职业资格主管部门负责人推荐",
     "Recommended by the head of the relevant professional qualification authority"),
    ("special_skills", 110, "具有独特、卓越或稀缺技能，难以用常规标准评价，并在经济社会发展、国家重大战略实施或首都文化传承中作出重要贡献",
     "Unique, exceptional or rare skills that defy conventional criteria, with significant "
     "contributions to economic and social development, major national strategies or Beijing's "
     "heritage"),
    ("special_skills", 120, "由行业主管部门或相关协会负责人推荐",
     "Recommended by the head of the competent industry authority or the relevant association"),
    ("other", 110, "其他具有特殊才能的优秀专业技术人才，业绩贡献突出",
     "Other exceptionally outstanding professional talent of particular merit"),
    ("other", 120, "由市或区人力资源社会保障部门负责人推荐",
     "Recommended by the head of the municipal or district HR and social security department"),
]


def checklist_add(apps, schema_editor):
    ChecklistItem = apps.get_model("applications", "ChecklistItem")
    for category, order, text, text_en in CHECKLIST:
        if not ChecklistItem.objects.filter(category=category, text=text).exists():
            ChecklistItem.objects.create(
                category=category, order=order, text=text, text_en=text_en
            )


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_queue_indexes_in_meta")]

    operations = [
        migrations.AddField(
            model_name="checklistitem",
            name="text_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="item in English"),
        ),
        migrations.RunPython(checklist_add, migrations.RunPython.noop),
    ]
