import pytest

from config.celery import app as celery_app
from tests.cast import make_cast


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; the integration tests start a real worker instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
