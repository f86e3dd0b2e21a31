"""The sync API's fixtures (a UT, a category, users, a visit and a finding), shared here."""

from tests.test_sync_api import api, finding, visit, world  # noqa: F401
