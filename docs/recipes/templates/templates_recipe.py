"""Templates recipe: a small tea catalogue rendered with template inheritance, a macro, a custom
filter, test and global, and a context processor."""

from datetime import date

from kolba import Kolba, abort, render_template

app = Kolba(__name__)
app.config["SITE_NAME"] = "Kolba Tea Shop"

TEAS = {
    "sencha": {
        "slug": "sencha",
        "name": "Sencha",
        "price": 1250,
        "sale_price": None,
        "notes": "Grassy & bright, from Shizuoka.",
    },
    "assam": {
        "slug": "assam",
        "name": "Assam",
        "price": 900,
        "sale_price": 700,
        "notes": "Malty <strong> black tea.",
    },
}


@app.template_filter("money")
def money(cents):
    """Format a price in cents: {{ 1250|money }} -> €12.50."""
    return f"€{cents / 100:,.2f}"


@app.template_test("on_sale")
def on_sale(tea):
    """{% if tea is on_sale %} reads better than comparing keys in the template."""
    return tea["sale_price"] is not None


@app.template_global()
def current_year():
    return date.today().year


@app.context_processor
def inject_site_name():
    """Every template gets site_name without each view passing it."""
    return {"site_name": app.config["SITE_NAME"]}


@app.get("/")
def catalogue():
    return render_template("catalogue.html", teas=TEAS.values())


@app.get("/tea/<slug>")
def tea(slug):
    if slug not in TEAS:
        abort(404)
    return render_template("tea.html", tea=TEAS[slug])
