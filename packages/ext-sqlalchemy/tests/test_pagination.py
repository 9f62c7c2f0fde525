"""db.paginate with the request's page and per_page: validated, capped, and a 404 for pages
that do not exist, including ones no database could reach."""

from __future__ import annotations

import pytest
from conftest import add_students

from kolba import Kolba
from kolba.testing import KolbaClient
from kolba_sqlalchemy import SQLAlchemy


def test_pages_from_query_arguments(client: KolbaClient) -> None:
    add_students(client, 25)
    second = client.get("/students?page=2").json
    assert [s["name"] for s in second["items"]] == [f"student {i}" for i in range(20, 25)]
    assert (second["page"], second["pages"], second["total"]) == (2, 2, 25)


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=1.5",
        "page=%D9%A1",  # an Arabic-Indic digit, which int() would accept
        "page=1_0",
        "per_page=0",
        "per_page=x",
        "page=99999999999999999999999999999999",
        "page=9223372036854775807",
        "page=" + "9" * 5000,
    ],
)
def test_bad_or_huge_page_is_404(client: KolbaClient, query: str) -> None:
    add_students(client, 1)
    response = client.get(f"/students?{query}")
    assert response.status_code == 404


def test_page_past_the_end_is_404(client: KolbaClient) -> None:
    add_students(client, 3)
    assert client.get("/students?page=2").status_code == 404


def test_per_page_from_request_is_capped(app: Kolba, client: KolbaClient) -> None:
    app.config["SQLALCHEMY_MAX_PER_PAGE"] = 5
    add_students(client, 8)
    page = client.get("/students?per_page=1000").json
    assert (page["per_page"], len(page["items"]), page["pages"]) == (5, 5, 2)


def test_default_cap_is_100(client: KolbaClient) -> None:
    assert client.get("/students?per_page=100000").json["per_page"] == 100


def test_explicit_max_per_page_wins(app: Kolba, db: SQLAlchemy, Students: object) -> None:
    with app.test_request_context("/?per_page=50"):
        page = db.paginate(db.select(Students), max_per_page=7)
        assert page.per_page == 7


def test_without_error_out_bad_values_fall_back(
    app: Kolba, db: SQLAlchemy, Students: object
) -> None:
    with app.test_request_context("/?page=abc&per_page=-3"):
        page = db.paginate(db.select(Students), error_out=False)
        assert (page.page, page.per_page) == (1, 20)


def test_iter_pages_leaves_gaps(
    app: Kolba, db: SQLAlchemy, client: KolbaClient, Students: object
) -> None:
    add_students(client, 40)
    with app.app_context():
        page = db.paginate(db.select(Students), page=10, per_page=2)
        assert list(page.iter_pages()) == [1, 2, None, 8, 9, 10, 11, 12, 13, 14, None, 19, 20]
        assert (page.prev_num, page.next_num, page.first, page.last) == (9, 11, 19, 20)
        assert page.next().page == 11
