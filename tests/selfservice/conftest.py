import pytest
import time_machine

from tests.organisation import FAST_HASHERS, NOW, TODAY, build_org


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def today():
    with time_machine.travel(NOW, tick=False):
        yield TODAY


@pytest.fixture
def org(reference, today):
    return build_org()
