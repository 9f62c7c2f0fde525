"""The fixtures' rule for a server that cannot start: fail under CI, skip elsewhere."""

import pytest
from conftest import unavailable


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_missing_server_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        unavailable("no server")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_missing_server_skips_elsewhere(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception):
        unavailable("no server")
