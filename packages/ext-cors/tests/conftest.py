"""Fixtures of the kolba-cors tests."""

import pytest
from cors_helpers import make_app


@pytest.fixture
def app():
    return make_app()
