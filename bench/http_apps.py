"""The hello and jsonify-dynamic views on kolba and Flask, as WSGI modules for real servers.

`bench/load.py` serves `http_apps:kolba_app` and `http_apps:flask_app` with gunicorn and
granian.
"""

from __future__ import annotations

from typing import Any

import flask

import kolba


def _build(app_class: Any, jsonify: Any) -> Any:
    app = app_class(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/api/items/<int:id>")
    def api_item(id: int) -> Any:
        return jsonify(id=id, name=f"item {id}", tags=["a", "b"], ok=True)

    return app


kolba_app = _build(kolba.Kolba, kolba.jsonify)
flask_app = _build(flask.Flask, flask.jsonify)
