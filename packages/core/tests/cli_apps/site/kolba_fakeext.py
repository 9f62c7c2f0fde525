"""A stand-in for an installed kolba extension: the dist-info folder beside it declares its
entry points, so it counts as installed whenever this folder is on ``sys.path``."""

import click

import kolba


class FakeExt(kolba.Extension):
    """Talks to a fake service."""

    name = "fake"
    distribution = "kolba-fakeext"
    config_keys = (
        kolba.ConfigKey("FAKE_TOKEN", str, None, "Token of the fake service.", secret=True),
        kolba.ConfigKey("FAKE_GREETING", str, "hello", "What the fake service says."),
    )

    @kolba.hookimpl
    def kolba_health_checks(self, app):
        return [kolba.HealthCheck("fake service", lambda: None)]


@click.command("fake-hello")
def hello_command():
    """Say hello from the fake extension."""
    click.echo("hello from kolba-fakeext")
