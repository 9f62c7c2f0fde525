"""Routing and converters recipe: variable rules, typed converters, HTTP methods, defaults, and
custom converters that both match incoming URLs and build outgoing ones with url_for."""

from werkzeug.routing import BaseConverter

from kolba import Kolba, request, url_for


class RegexConverter(BaseConverter):
    """`<re("pattern"):name>` matches a regular expression of your choice."""

    def __init__(self, url_map, pattern):
        super().__init__(url_map)
        self.regex = pattern


class ListConverter(BaseConverter):
    """`<list:tags>` matches `a+b+c`, hands the view ["a", "b", "c"] and builds URLs from a list."""

    def to_python(self, value):
        return value.split("+")

    def to_url(self, value):
        return "+".join(BaseConverter.to_url(self, item) for item in value)


app = Kolba(__name__)
app.url_map.converters["re"] = RegexConverter
app.url_map.converters["list"] = ListConverter

NOTES = []


@app.route("/")
def index():
    return {
        "articles": url_for("articles"),
        "page_2": url_for("articles", page=2),
        "article": url_for("article", year=2024, slug="hello-kolba"),
        "tags": url_for("by_tags", tags=["python", "web"]),
        "sms": url_for("sms", mobile="13012345678"),
        "download": url_for("download", filename="docs/guide.pdf"),
    }


@app.route("/articles/", defaults={"page": 1})
@app.route("/articles/page/<int(min=1):page>")
def articles(page):
    return f"articles, page {page}"


@app.route("/articles/<int(fixed_digits=4):year>/<slug>")
def article(year, slug):
    return f"{slug} ({year})"


@app.route("/tags/<list:tags>")
def by_tags(tags):
    return {"tags": tags}


@app.route(r"/sms/<re('1[3-9]\d{9}'):mobile>")
def sms(mobile):
    return f"text message to {mobile}"


@app.route("/download/<path:filename>")
def download(filename):
    return f"would send {filename}"


@app.get("/notes")
def list_notes():
    return {"notes": NOTES}


@app.post("/notes")
def add_note():
    NOTES.append(request.form["text"])
    return {"notes": NOTES}, 201


app.add_url_rule("/blog/<int:year>/<slug>", "old_blog", redirect_to="/articles/<year>/<slug>")
