"""The campaign tests run against the real Label Studio of tests/labelstudio (installed and started by the suite)."""

from tests.labelstudio.conftest import live, ls_template  # noqa: F401 - fixtures, registered by import
