"""kolba's extension conformance suite, run against JWTManager."""

from __future__ import annotations

from kolba.conformance import ExtensionConformance
from kolba_jwt import JWTManager


class TestJWTManagerConformance(ExtensionConformance):
    extension_class = JWTManager
    distribution = "kolba-jwt"
    config = {"JWT_SECRET_KEY": "a-conformance-secret-long-enough-for-hs256"}
    other_config = {"JWT_HEADER_TYPE": "Token"}
