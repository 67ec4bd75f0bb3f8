"""The core tests' fixtures: the office of the dossier tests (an agency, its officials, a procedure)."""

from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture)
