"""The import refusal shared by the catalog and the historical dossier imports."""

from __future__ import annotations

from motcua.catalog.importing import CatalogImportError
from motcua.core.importing import ImportFailed, RowError


def test_the_refusal_lists_every_problem_by_row_and_column():
    errors = [RowError(3, "due_at", "not a date"), RowError(5, "code", "taken")]
    refusal = ImportFailed(errors)
    assert refusal.errors == errors and refusal.status == 400
    assert "row 3, column due_at: not a date" in refusal.message and "row 5, column code: taken" in refusal.message


def test_the_catalogs_refusal_is_the_shared_one_with_its_own_code():
    refusal = CatalogImportError([RowError(1, "-", "empty")])
    assert isinstance(refusal, ImportFailed) and refusal.code == "catalog-import-invalid"
