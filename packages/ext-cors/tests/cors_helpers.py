"""Helpers shared by the kolba-cors tests: an app factory, CORS request builders and the
header names."""

from kolba import Kolba

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.org"

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
ACAPN = "Access-Control-Allow-Private-Network"


def make_app(**config):
    """An app with a few routes of every kind; CORS is enabled by the test."""
    app = Kolba(__name__)
    app.config.update(config)

    @app.route("/api/items", methods=["GET", "POST"])
    def items():
        return {"items": [1, 2]}

    @app.route("/api/items/<int:item_id>", methods=["GET", "PUT", "DELETE"])
    def item(item_id):
        return {"id": item_id}

    @app.route("/public")
    def public():
        return "public"

    return app


def cors_headers(response):
    """The response's Access-Control-* headers, as a dict."""
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def preflight(client, path, origin=ORIGIN, method="PUT", headers=None, **extra):
    """Send the OPTIONS request a browser sends before a non-simple request."""
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request_headers["Access-Control-Request-Headers"] = headers
    request_headers.update(extra)
    return client.options(path, headers=request_headers)
