"""Tests for JSON: the app.json provider, kolba.json helpers, jsonify and custom providers.

Also covers request.get_json going through the provider and seed 001's jsonify example.
"""

import dataclasses
import decimal
import io
import json
import uuid
from datetime import UTC, date, datetime

import pytest
from markupsafe import Markup

import kolba.json
from kolba import Kolba, jsonify, request
from kolba.json.provider import DefaultJSONProvider, JSONProvider


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Html:
    def __html__(self):
        return "<em>rendered</em>"


# --- app.json provider ----------------------------------------------------------------------


def test_default_provider_is_default_json_provider(app):
    assert isinstance(app.json, DefaultJSONProvider)
    assert isinstance(app.json, JSONProvider)


def test_provider_defaults(app):
    assert (app.json.sort_keys, app.json.ensure_ascii, app.json.compact) == (True, True, None)
    assert app.json.mimetype == "application/json"


def test_provider_dumps_sorts_keys_by_default(app):
    assert app.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_provider_dumps_keeps_insertion_order_without_sort_keys(app):
    app.json.sort_keys = False
    assert app.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_provider_dumps_escapes_non_ascii_by_default(app):
    assert app.json.dumps("héllo") == '"h\\u00e9llo"'


def test_provider_dumps_keeps_non_ascii_without_ensure_ascii(app):
    app.json.ensure_ascii = False
    assert app.json.dumps("héllo") == '"héllo"'


def test_provider_dumps_passes_keyword_arguments(app):
    assert app.json.dumps({"a": [1]}, indent=1) == '{\n "a": [\n  1\n ]\n}'


def test_provider_loads_str_and_bytes(app):
    assert app.json.loads('{"a": [1, 2]}') == {"a": [1, 2]}
    assert app.json.loads(b'{"a": "\xc3\xa9"}') == {"a": "é"}


def test_provider_dump_and_load_use_files(app):
    buffer = io.StringIO()
    app.json.dump({"k": "v"}, buffer)
    buffer.seek(0)
    assert app.json.load(buffer) == {"k": "v"}


def test_provider_response_is_compact_json_with_newline(app):
    with app.app_context():
        rv = app.json.response({"b": 1, "a": [1, 2]})
    assert rv.mimetype == "application/json"
    assert rv.data == b'{"a":[1,2],"b":1}\n'


def test_provider_response_is_indented_in_debug_mode(app):
    app.debug = True
    with app.app_context():
        rv = app.json.response({"a": 1})
    assert rv.data == b'{\n  "a": 1\n}\n'


def test_provider_response_compact_false_indents(app):
    app.json.compact = False
    with app.app_context():
        assert app.json.response({"a": 1}).data == b'{\n  "a": 1\n}\n'


def test_provider_response_compact_true_beats_debug(app):
    app.debug = True
    app.json.compact = True
    with app.app_context():
        assert app.json.response({"a": 1}).data == b'{"a":1}\n'


def test_provider_mimetype_sets_response_mimetype(app):
    app.json.mimetype = "application/vnd.api+json"
    with app.app_context():
        assert app.json.response({}).mimetype == "application/vnd.api+json"


# --- serialization of extra types -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2020, 1, 2), '"Thu, 02 Jan 2020 00:00:00 GMT"'),
        (datetime(2020, 1, 2, 3, 4, 5), '"Thu, 02 Jan 2020 03:04:05 GMT"'),
        (datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC), '"Thu, 02 Jan 2020 03:04:05 GMT"'),
        (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
        (decimal.Decimal("10.50"), '"10.50"'),
        (Point(1, 2), '{"x": 1, "y": 2}'),
        (Html(), '"<em>rendered</em>"'),
        (Markup("<b>hi</b>"), '"<b>hi</b>"'),
    ],
    ids=[
        "date",
        "naive-datetime",
        "aware-datetime",
        "uuid",
        "decimal",
        "dataclass",
        "html",
        "markup",
    ],
)
def test_provider_serializes_extra_types(app, value, expected):
    assert app.json.dumps(value) == expected


def test_provider_rejects_unknown_types_with_type_error(app):
    with pytest.raises(TypeError):
        app.json.dumps(object())


def test_view_returning_dict_serializes_extra_types(app, client):
    @app.get("/order")
    def order():
        return {"id": uuid.UUID(int=3), "total": decimal.Decimal("9.99"), "at": date(2021, 5, 1)}

    assert client.get("/order").json == {
        "at": "Sat, 01 May 2021 00:00:00 GMT",
        "id": "00000000-0000-0000-0000-000000000003",
        "total": "9.99",
    }


# --- kolba.json module ----------------------------------------------------------------------


def test_json_dumps_uses_app_provider_in_app_context(app):
    app.json.sort_keys = False
    with app.app_context():
        assert kolba.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_json_dumps_works_outside_app_context():
    assert json.loads(kolba.json.dumps({"when": date(2020, 1, 1)})) == {
        "when": "Wed, 01 Jan 2020 00:00:00 GMT"
    }


def test_json_loads_parses_text(app):
    with app.app_context():
        assert kolba.json.loads('[1, "two", null]') == [1, "two", None]


def test_json_dump_and_load_round_trip_through_file(app):
    buffer = io.StringIO()
    with app.app_context():
        kolba.json.dump({"uuid": uuid.UUID(int=9)}, buffer)
        buffer.seek(0)
        assert kolba.json.load(buffer) == {"uuid": "00000000-0000-0000-0000-000000000009"}


def test_json_loads_uses_app_provider(app):
    class Marking(DefaultJSONProvider):
        def loads(self, s, **kwargs):
            return {"via": "provider"}

    app.json = Marking(app)
    with app.app_context():
        assert kolba.json.loads("[]") == {"via": "provider"}


# --- jsonify --------------------------------------------------------------------------------


def test_jsonify_dict(app, client):
    @app.get("/")
    def index():
        return jsonify({"name": "xiaoming", "age": 16})

    rv = client.get("/")
    assert rv.mimetype == "application/json"
    assert rv.json == {"name": "xiaoming", "age": 16}


def test_jsonify_keyword_arguments_make_object(app):
    with app.app_context():
        assert jsonify(a=1, b="x").get_json() == {"a": 1, "b": "x"}


def test_jsonify_single_list_argument_is_that_list(app):
    with app.app_context():
        assert jsonify([1, 2, 3]).get_json() == [1, 2, 3]


def test_jsonify_several_arguments_make_array(app):
    with app.app_context():
        assert jsonify(1, "two", None).get_json() == [1, "two", None]


def test_jsonify_no_arguments_is_null(app):
    with app.app_context():
        assert jsonify().data == b"null\n"


def test_jsonify_args_and_kwargs_together_is_type_error(app):
    with app.app_context(), pytest.raises(TypeError):
        jsonify(1, a=2)


def test_jsonify_top_level_scalar(app):
    with app.app_context():
        assert jsonify("text").get_json() == "text"


def test_kolba_json_jsonify_is_the_same_helper(app):
    with app.app_context():
        assert kolba.json.jsonify(x=1).get_json() == {"x": 1}


def test_view_returning_list_is_json(app, client):
    @app.get("/items")
    def items():
        return [{"id": 1}, {"id": 2}]

    rv = client.get("/items")
    assert rv.mimetype == "application/json"
    assert rv.json == [{"id": 1}, {"id": 2}]


def test_view_returning_dict_with_status_and_headers(app, client):
    @app.post("/items")
    def create():
        return {"id": 7}, 201, {"Location": "/items/7"}

    rv = client.post("/items")
    assert (rv.status_code, rv.headers["Location"], rv.json) == (201, "/items/7", {"id": 7})


# --- custom providers -----------------------------------------------------------------------


def set_default(o):
    if isinstance(o, set | frozenset):
        return sorted(o)
    return DefaultJSONProvider.default(o)


class SetJSONProvider(DefaultJSONProvider):
    default = staticmethod(set_default)


class CompactProvider(JSONProvider):
    """A provider written from scratch, the way an orjson-backed provider would be."""

    def dumps(self, obj, **kwargs):
        return json.dumps(obj, separators=(",", ":"), default=str)

    def loads(self, s, **kwargs):
        return json.loads(s, parse_float=decimal.Decimal)


def test_json_provider_class_on_subclass_is_used():
    class SetKolba(Kolba):
        json_provider_class = SetJSONProvider

    app = SetKolba(__name__)

    @app.get("/tags")
    def tags():
        return {"tags": {"b", "a"}}

    assert isinstance(app.json, SetJSONProvider)
    assert app.test_client().get("/tags").json == {"tags": ["a", "b"]}


def test_custom_default_still_handles_builtin_extras(app):
    app.json = SetJSONProvider(app)
    assert app.json.dumps({"d": decimal.Decimal("1.5"), "s": {2, 1}}) == '{"d": "1.5", "s": [1, 2]}'


def test_provider_written_from_scratch_serves_views():
    class CompactKolba(Kolba):
        json_provider_class = CompactProvider

    app = CompactKolba(__name__)

    @app.get("/")
    def index():
        return {"when": datetime(2020, 1, 1, tzinfo=UTC)}

    rv = app.test_client().get("/")
    assert rv.mimetype == "application/json"
    assert rv.data == b'{"when":"2020-01-01 00:00:00+00:00"}'


def test_request_get_json_uses_provider_loads():
    class CompactKolba(Kolba):
        json_provider_class = CompactProvider

    app = CompactKolba(__name__)

    @app.post("/price")
    def price():
        value = request.get_json()["price"]
        return f"{type(value).__name__} {value}"

    rv = app.test_client().post("/price", json={"price": 1.10})
    assert rv.text == "Decimal 1.1"


def test_request_json_property_parses_body(app, client):
    @app.post("/echo")
    def echo():
        return {"got": request.json}

    assert client.post("/echo", json={"name": "zs", "age": 20}).json == {
        "got": {"name": "zs", "age": 20}
    }


def test_request_get_json_with_invalid_body_is_400(app, client):
    @app.post("/echo")
    def echo():
        return {"got": request.get_json()}

    rv = client.post("/echo", data="{not json", content_type="application/json")
    assert rv.status_code == 400


def test_request_get_json_silent_returns_none_on_invalid_body(app, client):
    @app.post("/echo")
    def echo():
        return {"got": request.get_json(silent=True)}

    rv = client.post("/echo", data="{not json", content_type="application/json")
    assert rv.json == {"got": None}


def test_test_client_json_argument_uses_app_provider():
    class SetKolba(Kolba):
        json_provider_class = SetJSONProvider

    app = SetKolba(__name__)

    @app.post("/echo")
    def echo():
        return request.get_data()

    assert app.test_client().post("/echo", json={"s": {3, 1}}).data == b'{"s": [1, 3]}'


# --- seed examples --------------------------------------------------------------------------


def test_seed_001_jsonapi_view_returns_jsonify_response(capsys):
    app = Kolba(__name__)

    @app.route("/jsonapi")
    def jsonapi():
        """响应json数据[jsonify]"""
        data = {"name": "xiaoming", "age": 16}
        response = jsonify(data)
        print(response)
        return response

    rv = app.test_client().get("/jsonapi")
    assert rv.json == {"name": "xiaoming", "age": 16}
    assert "200 OK" in capsys.readouterr().out


def test_seed_001_manual_json_response_with_content_type_header():
    app = Kolba(__name__)

    @app.route("/jsonapi")
    def jsonapi():
        data = {"name": "xiaoming", "age": 16}
        return json.dumps(data), 200, {"Content-Type": "application/json"}

    rv = app.test_client().get("/jsonapi")
    assert rv.mimetype == "application/json"
    assert rv.json == {"name": "xiaoming", "age": 16}


def test_seed_000_request_json_get():
    app = Kolba(__name__)

    @app.route("/", methods=["POST"])
    def index():
        return f"{request.json.get('name')} {request.json.get('age')}"

    assert app.test_client().post("/", json={"name": "zs", "age": 20}).text == "zs 20"


# --- the compact response encoder ------------------------------------------------------------

COMPACT_VALUES = [
    "plain",
    "naïve ✓ \u2028 \x7f \x00",
    3.5,
    float("nan"),
    float("-inf"),
    10**30,
    None,
    True,
    [],
    {},
    {"b": [1, 2.25, {"z": None, "a": "é"}], "a": (1, 2), 3: "int key", None: "none key"},
    [Point(1, 2), decimal.Decimal("1.10"), uuid.UUID(int=7), date(2024, 1, 2), Html()],
]


@pytest.mark.parametrize("value", COMPACT_VALUES, ids=repr)
@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("sort_keys", [True, False])
def test_response_body_is_what_dumps_gives(app, value, ensure_ascii, sort_keys):
    app.json.ensure_ascii = ensure_ascii
    app.json.sort_keys = sort_keys
    try:
        expected = app.json.dumps(value, separators=(",", ":"))
    except TypeError:
        with pytest.raises(TypeError):
            app.json.response(value)
        return
    assert app.json.response(value).get_data(as_text=True) == expected + "\n"


def test_response_circular_value_is_value_error_and_leaves_no_trace(app):
    value: list = [1]
    value.append(value)
    with pytest.raises(ValueError, match="Circular reference detected"):
        app.json.response(value)
    value.pop()
    assert app.json.response(value).get_data() == b"[1]\n"


def test_response_after_failed_encoding_encodes_the_same_containers(app):
    # The failure happens while `outer` is being encoded; encoding it again once it is fixed
    # must not report it as a circular reference.
    outer = {"a": [1], "b": object()}
    with pytest.raises(TypeError, match="not JSON serializable"):
        app.json.response(outer)
    outer["b"] = 2
    assert app.json.response(outer).get_data() == b'{"a":[1],"b":2}\n'


def test_response_encodings_in_two_threads_share_nothing(app):
    # Thread A is stopped inside the encoding of `shared` (in `default`) while the main thread
    # encodes the same list: a shared circular-reference table would see it twice.
    import threading

    started, release = threading.Event(), threading.Event()

    class Slow:
        pass

    def default(o):
        if isinstance(o, Slow):
            if threading.current_thread() is not threading.main_thread():
                started.set()
                release.wait(5)
            return "slow"
        raise TypeError(type(o).__name__)

    app.json.default = default
    shared = [Slow()]
    app.json.response(["warm"])  # an encoder for these settings is kept from here on
    results: list = []
    thread = threading.Thread(target=lambda: results.append(app.json.response(shared).data))
    thread.start()
    try:
        assert started.wait(5)
        assert app.json.response({"s": shared}).data == b'{"s":["slow"]}\n'
    finally:
        release.set()
        thread.join(5)
    assert results == [b'["slow"]\n']


def test_response_without_the_c_accelerator_is_the_same(app, monkeypatch):
    import kolba.json.provider as provider_module

    value = {"b": [1.5, "é"], "a": None}
    expected = app.json.response(value).data
    monkeypatch.setattr(provider_module, "_c_make_encoder", None)
    assert app.json.response(value).data == expected == b'{"a":null,"b":[1.5,"\\u00e9"]}\n'


def test_response_from_inside_default_gets_its_own_encoder(app):
    # `default` encodes `box`, which the outer encoding is inside of at that moment.
    class Marker:
        pass

    box = {"m": Marker()}
    calls = []

    def default(o):
        if isinstance(o, Marker):
            calls.append(o)
            if len(calls) == 1:
                return app.json.response(box).get_data(as_text=True).strip()
            return "inner"
        raise TypeError(type(o).__name__)

    app.json.default = default
    app.json.response(["warm"])  # an encoder for these settings is kept from here on
    assert app.json.response([box]).get_data(as_text=True) == '[{"m":"{\\"m\\":\\"inner\\"}"}]\n'
