"""Async views recipe: an order-status API whose view awaits two back-end services at once and
whose async ``before_request`` checks the caller's API key."""

import asyncio

from werkzeug.exceptions import HTTPException

from kolba import Kolba, abort, g, request

app = Kolba(__name__)
app.config["SERVICE_TIMEOUT"] = 2.0  # seconds for both services together

# In-memory stand-ins for a key store, an order database and a shipping service. Each lookup
# awaits, as a query over the network would.
API_KEYS = {"key-bakery": "bakery", "key-florist": "florist"}
ORDERS = {
    1: {"client": "bakery", "items": ["flour", "yeast"]},
    2: {"client": "florist", "items": ["tulips"]},
}
SHIPMENTS = {1: {"carrier": "PostNord", "status": "in transit"}}


async def find_client(api_key):
    await asyncio.sleep(0.01)
    return API_KEYS.get(api_key)


async def fetch_order(order_id):
    await asyncio.sleep(0.05)
    return ORDERS.get(order_id)


async def fetch_shipment(order_id):
    await asyncio.sleep(0.05)
    return SHIPMENTS.get(order_id, {"carrier": None, "status": "not shipped"})


@app.before_request
async def authenticate():
    if request.endpoint == "health":
        return None
    client = await find_client(request.headers.get("X-API-Key", ""))
    if client is None:
        return {"error": "Send a valid API key in the X-API-Key header."}, 401
    g.client = client
    return None


@app.get("/orders/<int:order_id>")
async def order_status(order_id):
    try:
        async with asyncio.timeout(app.config["SERVICE_TIMEOUT"]):
            order, shipment = await asyncio.gather(fetch_order(order_id), fetch_shipment(order_id))
    except TimeoutError:
        abort(503, "The order services did not answer in time; try again shortly.")
    if order is None or order["client"] != g.client:
        abort(404, f"You have no order {order_id}.")
    return {"id": order_id, "items": order["items"], "shipment": shipment}


@app.get("/health")
def health():
    return {"status": "ok"}


@app.errorhandler(HTTPException)
def json_error(e):
    return {"error": e.description}, e.code
