"""The Vietnamese catalog is complete, compiled, and used.

After changing a translatable string, run from src/motcua:
    ../../manage.py makemessages -l vi --no-location --no-obsolete
    (translate the new entries, remove any "#, fuzzy" flags)
    ../../manage.py compilemessages -l vi
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
PO_FILE = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="msgfmt (GNU gettext) is not installed")

# Aliases, so that makemessages does not collect this file's strings into the catalog.
translate = translation.gettext
translate_plural = translation.ngettext

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|</?\w+[^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _po_entries(path: Path) -> list[Entry]:
    """A small .po reader: each entry's flags, msgid, msgid_plural and msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key, seen = Entry(), "", False
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags = {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#"):
                continue
            if match := re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line):
                key, value = match.group(1), ast.literal_eval(match.group(2))
                if key.startswith("msgstr"):
                    entry.msgstr.append(value)
                elif key == "msgid":
                    entry.msgid, seen = value, True
                else:
                    entry.msgid_plural = value
            elif line.startswith('"') and key:
                value = ast.literal_eval(line)
                if key.startswith("msgstr"):
                    entry.msgstr[-1] += value
                elif key == "msgid":
                    entry.msgid += value
                else:
                    entry.msgid_plural = (entry.msgid_plural or "") + value
        if seen:
            entries.append(entry)
    return entries


def _messages() -> list[Entry]:
    return [e for e in _po_entries(PO_FILE) if e.msgid != ""]


def test_the_vietnamese_catalog_is_configured():
    assert settings.LANGUAGE_CODE == "vi"
    assert PO_FILE.is_file(), "run makemessages -l vi from src/motcua"
    header = next(e for e in _po_entries(PO_FILE) if e.msgid == "")
    text = header.msgstr[0]
    assert "Language: vi\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text
    assert "Project-Id-Version: MotCua" in text


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = _messages()
    assert len(messages) > 100
    untranslated = [e.msgid for e in messages if not e.msgstr or not all(e.msgstr)]
    fuzzy = [e.msgid for e in _po_entries(PO_FILE) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_the_single_vietnamese_form():
    plurals = [e for e in _messages() if e.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert len(entry.msgstr) == 1, entry.msgid


def test_translations_keep_placeholders_and_html_tags():
    for entry in _messages():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for msgstr in entry.msgstr:
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, entry.msgid


@needs_msgfmt
def test_msgfmt_reports_no_untranslated_or_fuzzy_message():
    result = subprocess.run(
        [MSGFMT, "--statistics", "--check", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@needs_msgfmt
def test_the_compiled_catalog_matches_the_po_file(tmp_path):
    assert MO_FILE.is_file(), "run compilemessages -l vi from src/motcua"
    fresh = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)
    with fresh.open("rb") as f:
        expected = gnu_gettext.GNUTranslations(f)._catalog
    with MO_FILE.open("rb") as f:
        committed = gnu_gettext.GNUTranslations(f)._catalog
    expected.pop("", None)  # the header carries dates only
    committed.pop("", None)
    stale = sorted(str(k) for k in set(expected) ^ set(committed)) + sorted(
        str(k) for k in set(expected) & set(committed) if expected[k] != committed[k]
    )
    assert stale == [], "django.mo is out of date: run compilemessages -l vi"


def test_key_interface_strings_come_out_in_vietnamese():
    with translation.override("vi"):
        assert translate("Procedures") == "Thủ tục hành chính"
        assert translate("Processing time") == "Thời hạn giải quyết"
        assert translate("One-stop desk") == "Bộ phận Một cửa"
        assert translate("Full online") == "Trực tuyến toàn trình"
        assert translate("Partial online") == "Trực tuyến một phần"
        assert translate("Apply online") == "Nộp hồ sơ trực tuyến"
        assert translate("working days") == "ngày làm việc"
        assert translate_plural("%(counter)s procedure found", "%(counter)s procedures found", 3) % {"counter": 3} == (
            "Tìm thấy 3 thủ tục"
        )
    with translation.override("en"):
        assert translate("Procedures") == "Procedures"


@pytest.mark.django_db
def test_the_portal_home_page_is_in_vietnamese(client):
    response = client.get("/", headers={"accept-language": "vi"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Thủ tục hành chính" in html
