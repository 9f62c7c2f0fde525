"""OrjsonProvider sends the bytes DefaultJSONProvider sends, value for value."""

import dataclasses
import datetime
import decimal
import enum
import math
import random
import sys
import uuid
from collections import OrderedDict

import pytest
from markupsafe import Markup

from kolba import Kolba, jsonify
from kolba.json.provider import DefaultJSONProvider, OrjsonProvider

pytest.importorskip("orjson")


@dataclasses.dataclass
class Point:
    y: int
    x: float


class Colour(enum.IntEnum):
    RED = 1


class Size(enum.StrEnum):
    BIG = "big"


def _floats():
    rng = random.Random(7)
    fixed = [0.1, 1 / 3, 1e16, 1e15, 1e-4, 1e-5, 3.9e-8, 1.5e300, 5e-324, -0.0, 1e22, 10.00001]
    return fixed + [rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-40, 40) for _ in range(300)]


def _texts():
    rng = random.Random(11)
    alphabet = [chr(i) for i in range(0x80)] + ["é", "中", "文", "\u2028", "\U0001f600", "\ufeff"]
    fixed = ["", "plain", "café", "中文标题", "emoji 😀", "del \x7f", "ctl \x00\x1f\b\f\n\r\t"]
    drawn = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    return [*fixed, '"\\/', *drawn]


def _nested(depth):
    value: object = "bottom"
    for _ in range(depth):
        value = [value]
    return value


VALUES = [
    {"id": 42, "name": "item 42", "tags": ["a", "b"], "ok": True, "none": None},
    [1, 2.5, "x", None, False, (3, 4)],
    {"b": {"d": 1, "c": 2}, "a": []},
    {1: "int key", 2: "two"},
    {"big": 2**64, "small": -(2**63) - 1, "edge": 2**63},
    {"when": datetime.datetime(2026, 12, 4, 18, 30), "day": datetime.date(2026, 12, 4)},
    {"price": decimal.Decimal("10.50"), "id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    Point(1, 2.5),
    [Point(3, 1e-7)],
    {"html": Markup("<b>safe</b>")},
    OrderedDict([("b", 1), ("a", 2)]),
    {"colour": Colour.RED, "size": Size.BIG},
    _nested(300),
    *_floats(),
    *({"text": text, text: 1} for text in _texts()),
]


def _body(provider_class, value, **settings):
    app = Kolba(__name__)
    app.json = provider_class(app)
    for name, setting in settings.items():
        setattr(app.json, name, setting)
    with app.app_context():
        return app.json.response(value).get_data()


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    "settings", [{}, {"ensure_ascii": False}, {"sort_keys": False}, {"compact": False}]
)
def test_responses_are_the_default_providers_bytes(value, settings):
    assert _body(OrjsonProvider, value, **settings) == _body(DefaultJSONProvider, value, **settings)


def test_nan_and_infinities_are_sent_as_null():
    assert _body(OrjsonProvider, [math.nan, math.inf, -math.inf]) == b"[null,null,null]\n"


def test_an_unserialisable_value_raises_the_default_providers_error():
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        _body(OrjsonProvider, {"s": {1, 2}})


class OrjsonApp(Kolba):
    json_provider_class = OrjsonProvider


def test_jsonify_and_dict_returns_go_through_it_in_an_app():
    app = OrjsonApp(__name__)

    @app.get("/items/<int:id>")
    def item(id):
        return jsonify(id=id, name=f"项目 {id}", price=decimal.Decimal("1.5"))

    @app.get("/dict")
    def as_dict():
        return {"b": 1, "a": datetime.date(2026, 1, 2)}

    client = app.test_client()
    response = client.get("/items/7")
    assert response.mimetype == "application/json"
    assert response.data == b'{"id":7,"name":"\\u9879\\u76ee 7","price":"1.5"}\n'
    assert response.json == {"id": 7, "name": "项目 7", "price": "1.5"}
    assert client.get("/dict").data == b'{"a":"Fri, 02 Jan 2026 00:00:00 GMT","b":1}\n'
    assert app.json.loads('{"n": 12345678901234567890123}') == {"n": 12345678901234567890123}


def test_debug_mode_indents_as_the_default_provider_does():
    app = OrjsonApp(__name__)
    app.debug = True
    with app.app_context():
        body = app.json.response({"b": [1], "a": {}}).data
    assert body == b'{\n  "a": {},\n  "b": [\n    1\n  ]\n}\n'


def test_without_orjson_it_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "orjson", None)
    with pytest.raises(RuntimeError, match=r"pip install 'kolba\[speed\]'"):
        OrjsonProvider(None)


@pytest.mark.parametrize(
    ("args", "kwargs"), [((1, "a"), {}), ((1e-7, 2**70), {}), ((), {"x": 1e-7}), ((), {})]
)
def test_several_arguments_and_keywords_match_the_default_provider(args, kwargs):
    def body(provider_class):
        app = Kolba(__name__)
        app.json = provider_class(app)
        with app.app_context():
            return app.json.response(*args, **kwargs).get_data()

    assert body(OrjsonProvider) == body(DefaultJSONProvider)
