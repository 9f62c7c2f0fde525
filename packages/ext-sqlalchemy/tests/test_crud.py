"""Seed 002's students through HTTP: create, read, update and delete with db.session."""

from __future__ import annotations

from conftest import add_students

from kolba.testing import KolbaClient


def test_create_then_read(client: KolbaClient) -> None:
    created = client.post("/students", data={"name": "Li Lei", "city": "Beijing"})
    assert created.status_code == 201
    student_id = created.json["id"]
    assert client.get(f"/students/{student_id}").json == {
        "id": student_id,
        "name": "Li Lei",
        "city": "Beijing",
    }


def test_update(client: KolbaClient) -> None:
    add_students(client, 1)
    assert client.put("/students/1", data={"name": "Han Meimei"}).json["name"] == "Han Meimei"
    assert client.get("/students/1").json["name"] == "Han Meimei"


def test_delete(client: KolbaClient) -> None:
    add_students(client, 2)
    assert client.delete("/students/1").status_code == 204
    assert client.get("/students/1").status_code == 404
    assert client.get("/count").json == {"count": 1}


def test_missing_fields_are_a_400_with_a_message(client: KolbaClient) -> None:
    response = client.post("/students", data={"name": "no city"})
    assert response.status_code == 400
    assert b"name and city are required" in response.data


def test_legacy_query_property(client: KolbaClient) -> None:
    add_students(client, 1)
    assert client.get("/legacy/1").json["name"] == "student 0"
    assert client.get("/legacy/2").status_code == 404
