"""The portal tests' fixtures: the office of the dossier tests, and a procedure to apply for online."""

import pytest

from motcua.catalog.tests.factories import RequiredDocumentFactory
from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture: an agency, its officials, a procedure)

SCHEMA = {
    "type": "object",
    "title": "Tờ khai",
    "required": ["purpose", "guests"],
    "properties": {
        "purpose": {"type": "string", "title": "Mục đích", "maxLength": 200},
        "guests": {"type": "integer", "title": "Số khách", "minimum": 1, "maximum": 500},
        "opening": {"type": "string", "format": "date", "title": "Ngày khai trương"},
        "outdoor": {"type": "boolean", "title": "Tổ chức ngoài trời"},
    },
}


@pytest.fixture
def procedure(office):  # noqa: F811
    """The office's procedure with an online form and two documents (the first one required)."""
    office.version.form_schema = SCHEMA
    office.version.save()
    application = RequiredDocumentFactory(version=office.version, name="Đơn đề nghị", order=1)
    licence = RequiredDocumentFactory(version=office.version, name="Giấy phép kinh doanh", order=2, mandatory=False)
    return office, application, licence
