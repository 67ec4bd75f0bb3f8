from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture: an agency, its officials, a procedure)
