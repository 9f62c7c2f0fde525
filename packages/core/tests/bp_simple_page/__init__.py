"""Seed 002's simple_page blueprint, verbatim but for the kolba import.
Renders templates/pages/<page>.html and answers 404 for a page with no template."""

from jinja2 import TemplateNotFound

from kolba import Blueprint, abort, render_template

simple_page = Blueprint("simple_page", __name__, template_folder="templates")


@simple_page.route("/", defaults={"page": "index"})
@simple_page.route("/<page>")
def show(page):
    try:
        return render_template("pages/%s.html" % page)  # noqa: UP031 - the seed's spelling
    except TemplateNotFound:
        abort(404)
