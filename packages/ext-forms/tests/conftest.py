"""Fixtures of the kolba-forms tests: an app with CSRFProtect and a view that reports whether
its form validated."""

import re

import pytest

from kolba import Kolba
from kolba_forms import CSRFProtect


def make_app(**config):
    app = Kolba("forms_test_app")
    app.config.update(SECRET_KEY="test secret", TESTING=True, **config)
    return app


def token_from(html):
    """The CSRF token in a rendered form."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def csrf(app):
    return CSRFProtect(app)


@pytest.fixture
def client(app):
    return app.test_client()
