"""kolba-sqlalchemy passes the extension conformance suite."""

from __future__ import annotations

import typing as t

from kolba.conformance import ExtensionConformance
from kolba_sqlalchemy import SQLAlchemy


class TestSQLAlchemyConformance(ExtensionConformance):
    extension_class = SQLAlchemy
    distribution = "kolba-sqlalchemy"
    config: t.ClassVar[dict[str, t.Any]] = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    other_config: t.ClassVar[dict[str, t.Any]] = {"SQLALCHEMY_MAX_PER_PAGE": 10}
