"""The app the over-HTTP bad-input tests and the fuzz check serve behind gunicorn: one view per
way a request's body, host and cookies are read."""

from __future__ import annotations

import kolba
from kolba import jsonify, request, session, url_for

app = kolba.Kolba(__name__)
app.secret_key = "http-test-secret"
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024


@app.route("/form", methods=["GET", "POST"])
def form():
    return jsonify(form=dict(request.form), files=sorted(request.files))


@app.route("/json", methods=["POST", "PUT"])
def json_body():
    return jsonify(request.get_json())


@app.route("/data", methods=["POST", "PUT"])
def data():
    return str(len(request.data))


@app.route("/files", methods=["POST"])
def files():
    return jsonify({name: len(f.read()) for name, f in request.files.items()})


@app.route("/url")
def url():
    return jsonify(
        url=request.url,
        host_url=request.host_url,
        external=url_for("url", _external=True),
    )


@app.route("/session", methods=["GET", "POST"])
def counter():
    session["n"] = session.get("n", 0) + 1
    return str(session["n"])


@app.route("/item/<int:item_id>")
def item(item_id):
    return jsonify(id=item_id, q=request.args.get("q"))


@app.route("/")
def index():
    return "index"


#: The same app behind TRUSTED_HOSTS, for the Host checks that go through the trusted list.
trusted_app = kolba.Kolba(__name__)
trusted_app.config["TRUSTED_HOSTS"] = ["127.0.0.1", "xn--", "xn--zz-", ".example.com"]
trusted_app.add_url_rule("/url", view_func=url)
