"""Seed 002's admin blueprint: a package whose static folder is served under its prefix.
Its views link with the absolute and the relative endpoint spellings the seed shows."""

from kolba import Blueprint, url_for

admin = Blueprint("admin", __name__, static_folder="static")


@admin.route("/")
def index():
    return "admin home"


@admin.route("/links")
def links():
    return " ".join(
        [
            url_for("admin.index"),
            url_for(".index"),
            url_for(".static", filename="style.css"),
        ]
    )
