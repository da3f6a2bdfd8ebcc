"""The API's fixtures are the integrations' (keys, the colleagues of docs/rules.md §3.4): the API reads that app."""

from tests.integrations.conftest import _fresh_catalogue, api, policies_api, spec_people, token  # noqa: F401
