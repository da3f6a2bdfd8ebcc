import pytest
import time_machine

from tests.organisation import NOW, TODAY, build_org


@pytest.fixture
def today():
    with time_machine.travel(NOW, tick=False):
        yield TODAY


@pytest.fixture
def org(reference, today):
    return build_org()
