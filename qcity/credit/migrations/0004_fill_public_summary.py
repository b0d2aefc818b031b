"""Fill `CreditEvent.public_summary` for the rows that existed before it.

Published (and withdrawn, which may be published again) events get their summary with every piece of
personal data masked (qcity.core.masking, pure Python, imported rather than frozen: the rule the public
pages use is the rule applied here) — raw personal data never stays public. Unpublished events get their
summary as a draft, which publication checks (qcity.credit.publication).
"""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    from qcity.core.masking import mask_text

    CreditEvent = apps.get_model("credit", "CreditEvent")
    last = 0
    while True:
        rows = list(CreditEvent.objects.filter(pk__gt=last, public_summary="").order_by("pk")
                    .values_list("pk", "summary", "status", "enterprise__legal_representative", "enterprise__name")
                    [:BATCH])
        if not rows:
            return
        changed = []
        for pk, summary, status, legal_representative, name in rows:
            text = summary or ""
            if status != "recorded":
                text = mask_text(text, known_names=[legal_representative or ""], public_names=[name or ""])
            changed.append(CreditEvent(pk=pk, public_summary=text))
        CreditEvent.objects.bulk_update(changed, ["public_summary"], batch_size=BATCH)
        last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ("credit", "0003_public_summary"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
