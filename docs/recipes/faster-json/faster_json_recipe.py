"""A catalogue API whose JSON responses are encoded by orjson, through kolba's OrjsonProvider.

Install with ``pip install "kolba[speed]"``. The responses are byte for byte what the default
provider sends, so clients and tests see no change.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from kolba import Kolba, abort, jsonify, request
from kolba.json.provider import OrjsonProvider


@dataclass
class Product:
    id: int
    name: str
    price: decimal.Decimal
    added: datetime.date


class App(Kolba):
    # Every app of this class encodes its JSON responses with orjson.
    json_provider_class = OrjsonProvider


def create_app() -> App:
    app = App(__name__)
    products = [
        Product(i, f"茶 {i}", decimal.Decimal(f"{i}.50"), datetime.date(2026, 1, i))
        for i in range(1, 21)
    ]

    @app.get("/api/products")
    def list_products() -> dict[str, object]:
        page = request.args.get("page", 1, type=int)
        chunk = products[(page - 1) * 10 : page * 10]
        return {"page": page, "items": chunk, "total": len(products)}

    @app.get("/api/products/<int:id>")
    def get_product(id: int) -> object:
        for product in products:
            if product.id == id:
                return jsonify(product)
        abort(404)

    return app
