"""The default message templates, in Vietnamese and English (administrators edit them in the admin)."""

from django.db import migrations

_FACTS_VI = (
    "Cơ quan giải quyết: {{ agency }}\n"
    "Cán bộ tiếp nhận/xử lý: {{ officer }}\n"
    "Thời gian tiếp nhận: {{ received_at }}\n"
    "Thời gian xử lý: {{ processed_at }}\n"
    "Thời gian hẹn trả kết quả: {{ return_at }}\n"
)
_FACTS_EN = (
    "Agency: {{ agency }}\n"
    "Officer receiving or processing: {{ officer }}\n"
    "Received: {{ received_at }}\n"
    "Processed: {{ processed_at }}\n"
    "Result due: {{ return_at }}\n"
)
_HEAD_VI = "Kính gửi {{ applicant }},\n\n"
_HEAD_EN = "Dear {{ applicant }},\n\n"
_FOOT_VI = "{% if note %}\nGhi chú: {{ note }}\n{% endif %}\nTra cứu hồ sơ: {{ lookup_url }}\n"
_FOOT_EN = "{% if note %}\nNote: {{ note }}\n{% endif %}\nLook up your dossier: {{ lookup_url }}\n"

# event: (vi subject, vi first line, vi SMS, en subject, en first line, en SMS)
_TEXTS = {
    "status_changed": (
        "[{{ code }}] {{ status }}",
        "Hồ sơ {{ code }} – {{ procedure }}: {{ status }}.",
        "{{ agency }}: Hồ sơ {{ code }}: {{ status }} lúc {{ processed_at }}{% if officer %}, cán bộ {{ officer }}"
        "{% endif %}.{% if received_at %} Tiếp nhận {{ received_at }}.{% endif %}{% if return_at %} Hẹn trả "
        "{{ return_at }}.{% endif %}",
        "[{{ code }}] {{ status }}",
        "Dossier {{ code }} – {{ procedure }}: {{ status }}.",
        "{{ agency }}: dossier {{ code }}: {{ status }} at {{ processed_at }}{% if officer %}, officer {{ officer }}"
        "{% endif %}.{% if received_at %} Received {{ received_at }}.{% endif %}{% if return_at %} Result due "
        "{{ return_at }}.{% endif %}",
    ),
    "supplement_requested": (
        "[{{ code }}] Yêu cầu bổ sung hồ sơ",
        "Hồ sơ {{ code }} – {{ procedure }} cần bổ sung, hoàn thiện: {{ note }}",
        "{{ agency }}: Hồ sơ {{ code }} cần bổ sung: {{ note }}. Cán bộ {{ officer }}, {{ processed_at }}.",
        "[{{ code }}] Supplement requested",
        "Dossier {{ code }} – {{ procedure }} must be completed: {{ note }}",
        "{{ agency }}: dossier {{ code }} must be completed: {{ note }}. Officer {{ officer }}, {{ processed_at }}.",
    ),
    "apology": (
        "[{{ code }}] Thư xin lỗi và hẹn lại ngày trả kết quả",
        "Chúng tôi xin lỗi: hồ sơ {{ code }} – {{ procedure }} chưa thể trả kết quả đúng hẹn. Ngày hẹn mới: "
        "{{ new_due_at }}.",
        "{{ agency }} xin lỗi: hồ sơ {{ code }} trả kết quả chậm, hẹn lại {{ new_due_at }}.{% if note %} Lý do: "
        "{{ note }}{% endif %}",
        "[{{ code }}] Apology and new date",
        "We apologise: the result of dossier {{ code }} – {{ procedure }} cannot be ready on time. New date: "
        "{{ new_due_at }}.",
        "{{ agency }} apologises: dossier {{ code }} is late, new date {{ new_due_at }}.{% if note %} Reason: "
        "{{ note }}{% endif %}",
    ),
    "payment_requested": (
        "[{{ code }}] Đề nghị nộp phí, lệ phí",
        "Hồ sơ {{ code }} – {{ procedure }}: đề nghị nộp phí, lệ phí để tiếp tục giải quyết.",
        "{{ agency }}: Hồ sơ {{ code }}: đề nghị nộp phí, lệ phí. Thanh toán trực tuyến: {{ lookup_url }}",
        "[{{ code }}] Fees to pay",
        "Dossier {{ code }} – {{ procedure }}: please pay the fees so that processing continues.",
        "{{ agency }}: dossier {{ code }}: please pay the fees. Pay online: {{ lookup_url }}",
    ),
    "result_ready": (
        "[{{ code }}] Đã có kết quả",
        "Hồ sơ {{ code }} – {{ procedure }} đã có kết quả: {{ status }}.",
        "{{ agency }}: Hồ sơ {{ code }} đã có kết quả ({{ processed_at }}). Hẹn trả {{ return_at }}.",
        "[{{ code }}] Result ready",
        "Dossier {{ code }} – {{ procedure }} has its result: {{ status }}.",
        "{{ agency }}: dossier {{ code }} has its result ({{ processed_at }}). Collect it by {{ return_at }}.",
    ),
}


def templates():
    for event, (vi_subject, vi_line, vi_sms, en_subject, en_line, en_sms) in _TEXTS.items():
        yield event, "email", "vi", vi_subject, _HEAD_VI + vi_line + "\n\n" + _FACTS_VI + _FOOT_VI
        yield event, "sms", "vi", "", vi_sms
        yield event, "email", "en", en_subject, _HEAD_EN + en_line + "\n\n" + _FACTS_EN + _FOOT_EN
        yield event, "sms", "en", "", en_sms


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, subject, body in templates():
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
