"""Ministries become a model: the programmes' free-text ministry is matched to a seeded ministry (or kept as a new
one, never lost), and the old kinds of support map onto the catalogue's kinds."""

import django.db.models.deletion
from django.db import migrations, models

# The ministries, councils and agencies of the revitalization programmes (reference data; staff add others).
MINISTRIES = [
    ("ndc", "國家發展委員會", "National Development Council", "国家発展委員会"),
    ("moea", "經濟部", "Ministry of Economic Affairs", "経済部"),
    (
        "sme-agency",
        "經濟部中小及新創企業署",
        "Small and Medium Enterprise and Startup Administration (MOEA)",
        "経済部中小及新創企業署",
    ),
    ("moa", "農業部", "Ministry of Agriculture", "農業部"),
    ("moc", "文化部", "Ministry of Culture", "文化部"),
    ("moe", "教育部", "Ministry of Education", "教育部"),
    ("motc", "交通部", "Ministry of Transportation and Communications", "交通部"),
    ("moi", "內政部", "Ministry of the Interior", "内政部"),
    ("mol", "勞動部", "Ministry of Labor", "労働部"),
    ("mohw", "衛生福利部", "Ministry of Health and Welfare", "衛生福利部"),
    ("cip", "原住民族委員會", "Council of Indigenous Peoples", "原住民族委員会"),
    ("hac", "客家委員會", "Hakka Affairs Council", "客家委員会"),
    ("moda", "數位發展部", "Ministry of Digital Affairs", "デジタル発展部"),
]
ALIASES = {"國發會": "國家發展委員會", "經濟部中小企業處": "經濟部中小及新創企業署", "農委會": "農業部"}
KINDS = {"grant": "subsidy", "advice": "talent", "training": "talent"}


def forwards(apps, schema_editor):
    Ministry = apps.get_model("cms", "Ministry")
    SupportProgramme = apps.get_model("cms", "SupportProgramme")
    for slug, zh, en, ja in MINISTRIES:
        Ministry.objects.get_or_create(name_zh=zh, defaults={"slug": slug, "name_en": en, "name_ja": ja})
    for programme in SupportProgramme.objects.all():
        label = (programme.ministry_label or "").strip() or "（未填）"
        label = ALIASES.get(label, label)
        ministry = Ministry.objects.filter(name_zh=label).first()
        if ministry is None:  # kept as it was written, for staff to translate or merge
            ministry = Ministry.objects.create(
                name_zh=label, slug=f"ministry-{Ministry.objects.count() + 1}", name_en=label, name_ja=label
            )
        programme.ministry = ministry
        programme.kind = KINDS.get(programme.kind, programme.kind)
        programme.save(update_fields=["ministry", "kind"])


def backwards(apps, schema_editor):
    SupportProgramme = apps.get_model("cms", "SupportProgramme")
    for programme in SupportProgramme.objects.select_related("ministry"):
        programme.ministry_label = programme.ministry.name_zh
        programme.save(update_fields=["ministry_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_page_visits"),
    ]

    operations = [
        migrations.RenameField("supportprogramme", "ministry", "ministry_label"),
        migrations.CreateModel(
            name="Ministry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(allow_unicode=True, unique=True, verbose_name="slug")),
                ("name_zh", models.CharField(max_length=80, unique=True, verbose_name="name (Chinese)")),
                ("name_en", models.CharField(max_length=120, verbose_name="name (English)")),
                ("name_ja", models.CharField(max_length=120, verbose_name="name (Japanese)")),
            ],
            options={"verbose_name": "ministry", "verbose_name_plural": "ministries", "ordering": ["name_zh"]},
        ),
        migrations.AddField(
            model_name="supportprogramme",
            name="ministry",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="programmes",
                to="cms.ministry",
                verbose_name="ministry or agency",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        # The old label is removed in 0004, in its own transaction (PostgreSQL refuses to alter a table with
        # pending deferred-constraint events from the updates above).
    ]
