"""Tests for the async views recipe: the API-key check in the async before_request, the order
status built from two services awaited together, and the 503 when they are too slow."""

import asyncio

import async_views_recipe as recipe
import pytest

BAKERY = {"X-API-Key": "key-bakery"}


@pytest.fixture
def client():
    return recipe.app.test_client()


@pytest.fixture
def calls(monkeypatch):
    """Record when each service call starts and ends."""
    events = []

    def recorded(name, fetch):
        async def wrapper(order_id):
            events.append(f"start {name}")
            try:
                return await fetch(order_id)
            finally:
                events.append(f"end {name}")

        return wrapper

    monkeypatch.setattr(recipe, "fetch_order", recorded("order", recipe.fetch_order))
    monkeypatch.setattr(recipe, "fetch_shipment", recorded("shipment", recipe.fetch_shipment))
    return events


def test_health_needs_no_api_key(client):
    assert client.get("/health").json == {"status": "ok"}


def test_missing_api_key_is_rejected_before_the_view(client, calls):
    response = client.get("/orders/1")
    assert response.status_code == 401
    assert response.json == {"error": "Send a valid API key in the X-API-Key header."}
    assert calls == []


def test_unknown_api_key_is_rejected(client):
    assert client.get("/orders/1", headers={"X-API-Key": "forged"}).status_code == 401


def test_order_status_combines_the_order_and_its_shipment(client):
    assert client.get("/orders/1", headers=BAKERY).json == {
        "id": 1,
        "items": ["flour", "yeast"],
        "shipment": {"carrier": "PostNord", "status": "in transit"},
    }


def test_order_without_a_shipment_is_not_shipped(client):
    response = client.get("/orders/2", headers={"X-API-Key": "key-florist"})
    assert response.json["shipment"] == {"carrier": None, "status": "not shipped"}


def test_both_services_are_awaited_at_the_same_time(client, calls):
    client.get("/orders/1", headers=BAKERY)
    assert calls[:2] == ["start order", "start shipment"]
    assert sorted(calls[2:]) == ["end order", "end shipment"]


def test_another_clients_order_is_not_found(client):
    response = client.get("/orders/2", headers=BAKERY)
    assert response.status_code == 404
    assert response.json == {"error": "You have no order 2."}


def test_unknown_order_is_not_found(client):
    assert client.get("/orders/99", headers=BAKERY).status_code == 404


def test_slow_services_give_a_503(client, monkeypatch):
    async def stuck(order_id):
        await asyncio.sleep(10)

    monkeypatch.setattr(recipe, "fetch_shipment", stuck)
    monkeypatch.setitem(recipe.app.config, "SERVICE_TIMEOUT", 0.05)
    response = client.get("/orders/1", headers=BAKERY)
    assert response.status_code == 503
    assert "did not answer in time" in response.json["error"]
