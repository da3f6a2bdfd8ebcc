import pytest

from tests.servers import PostgresCluster, RedisServer, SmtpSink


@pytest.fixture
def private_redis():
    """A redis-server of the test's own, started; the test may stop and start it at will."""
    server = RedisServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
def private_postgres():
    """A PostgreSQL cluster of the test's own (initdb in a temp directory), started."""
    cluster = PostgresCluster()
    cluster.init()
    cluster.start()
    yield cluster
    cluster.close()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()
