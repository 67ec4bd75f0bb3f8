"""The early-return notice (Decree 61/2018 Art. 20(4)), and the amount in the payment request.

Templates an administrator has edited are left as they are; only the defaults of 0002 are replaced."""

import importlib

from django.db import migrations, models

_DEFAULTS = importlib.import_module("motcua.notifications.migrations.0002_default_templates")
_HEAD_VI, _HEAD_EN = _DEFAULTS._HEAD_VI, _DEFAULTS._HEAD_EN
_FACTS_VI, _FACTS_EN, _FOOT_VI, _FOOT_EN = _DEFAULTS._FACTS_VI, _DEFAULTS._FACTS_EN, _DEFAULTS._FOOT_VI, _DEFAULTS._FOOT_EN

# event: (vi subject, vi first line, vi SMS, en subject, en first line, en SMS), as in 0002.
_TEXTS = {
    "early_return": (
        "[{{ code }}] Đã có kết quả trước hẹn",
        "Hồ sơ {{ code }} – {{ procedure }} đã có kết quả trước ngày hẹn ({{ return_at }}): {{ status }}. "
        "Ông/bà có thể nhận kết quả ngay, không phải chờ đến ngày hẹn.",
        "{{ agency }}: Hồ sơ {{ code }} đã có kết quả trước hẹn ({{ processed_at }}). Mời nhận ngay, không "
        "phải chờ đến {{ return_at }}.",
        "[{{ code }}] Result ready early",
        "Dossier {{ code }} – {{ procedure }} has its result before the appointment ({{ return_at }}): "
        "{{ status }}. You may collect it now; there is no need to wait for the appointment.",
        "{{ agency }}: dossier {{ code }} has its result early ({{ processed_at }}). Collect it now, no need to "
        "wait until {{ return_at }}.",
    ),
    "payment_requested": (
        "[{{ code }}] Đề nghị nộp phí, lệ phí",
        "Hồ sơ {{ code }} – {{ procedure }}: đề nghị nộp phí, lệ phí {{ amount }} đồng để tiếp tục giải quyết.",
        "{{ agency }}: Hồ sơ {{ code }}: đề nghị nộp phí, lệ phí {{ amount }} đồng. Thanh toán trực tuyến: "
        "{{ lookup_url }}",
        "[{{ code }}] Fees to pay",
        "Dossier {{ code }} – {{ procedure }}: please pay the fees of VND {{ amount }} so that processing continues.",
        "{{ agency }}: dossier {{ code }}: please pay the fees of VND {{ amount }}. Pay online: {{ lookup_url }}",
    ),
}


def _templates(texts):
    for event, (vi_subject, vi_line, vi_sms, en_subject, en_line, en_sms) in texts.items():
        yield event, "email", "vi", vi_subject, _HEAD_VI + vi_line + "\n\n" + _FACTS_VI + _FOOT_VI
        yield event, "sms", "vi", "", vi_sms
        yield event, "email", "en", en_subject, _HEAD_EN + en_line + "\n\n" + _FACTS_EN + _FOOT_EN
        yield event, "sms", "en", "", en_sms


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    before = {(e, c, lang): body for e, c, lang, _subject, body in _DEFAULTS.templates()}
    for event, channel, language, subject, body in _templates(_TEXTS):
        row, created = NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )
        if not created and row.body == before.get((event, channel, language)):
            row.subject, row.body = subject, body
            row.save(update_fields=["subject", "body"])


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_default_templates'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notificationtemplate',
            name='event',
            field=models.CharField(choices=[('status_changed', 'Status change (Decree 224/2026 Art. 15(1)(g))'), ('supplement_requested', 'Supplement request'), ('apology', 'Apology and new date'), ('payment_requested', 'Payment request'), ('result_ready', 'Result ready'), ('early_return', 'Result ready before the appointment (Decree 61/2018 Art. 20(4))'), ('campaign', 'Information about online services (campaign)')], max_length=40, verbose_name='event'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
