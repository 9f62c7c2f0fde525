"""Quick start recipe: the smallest useful kolba app, a home page and a greeting.
Run it with `kolba --app quickstart_app run --debug` or `python quickstart_app.py`."""

from markupsafe import escape

from kolba import Kolba

app = Kolba(__name__)


@app.route("/")
def index():
    return "<h1>Hello World!</h1>"


@app.route("/hello/<name>")
def hello(name):
    return f"<p>Hello, {escape(name)}!</p>"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000, debug=True)
