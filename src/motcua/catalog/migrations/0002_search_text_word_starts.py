"""Recompute `search_text` in the word-start format (` name words \\n code field result `)."""

import re
import unicodedata

from django.db import migrations
from unidecode import unidecode


def words(text):
    folded = " ".join(unidecode(unicodedata.normalize("NFC", text)).lower().split())
    return re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*", folded)


def recompute(apps, schema_editor):
    ProcedureVersion = apps.get_model("catalog", "ProcedureVersion")
    for version in ProcedureVersion.objects.select_related("procedure", "field").iterator():
        rest = " ".join(p for p in (version.procedure.code, version.field.name, version.result_name) if p)
        version.search_text = f" {' '.join(words(version.name))} \n {' '.join(words(rest))} "
        version.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
