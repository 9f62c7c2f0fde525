"""flask-smorest on kolba through the bridge, beside kolba-cors: a blueprint API with marshmallow
schemas (parsing, validation errors as 422, serialised responses) and its OpenAPI document;
over the test client and HTTP."""

import flask
import marshmallow as ma
import pytest
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort

from kolba_cors import CORS


class PetSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    name = ma.fields.Str(required=True, validate=ma.validate.Length(min=1))
    kind = ma.fields.Str(load_default="cat")


class PetQuerySchema(ma.Schema):
    kind = ma.fields.Str()


def make_app():
    app = flask.Flask(__name__)
    app.config.update(
        API_TITLE="Pets",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        CORS_ORIGINS=["https://front.example"],
    )
    api = Api(app)
    CORS(app)
    pets: dict[int, dict] = {}
    blp = Blueprint("pets", __name__, url_prefix="/pets", description="Pets")

    @blp.route("/")
    class Pets(MethodView):
        @blp.arguments(PetQuerySchema, location="query")
        @blp.response(200, PetSchema(many=True))
        def get(self, args):
            return [p for p in pets.values() if args.get("kind") in (None, p["kind"])]

        @blp.arguments(PetSchema)
        @blp.response(201, PetSchema)
        def post(self, data):
            pet = {"id": len(pets) + 1, **data}
            pets[pet["id"]] = pet
            return pet

    @blp.route("/<int:pet_id>")
    @blp.response(200, PetSchema)
    def get_pet(pet_id):
        if pet_id not in pets:
            abort(404, message="No such pet.")
        return pets[pet_id]

    api.register_blueprint(blp)
    return app


@pytest.fixture
def app():
    return make_app()


def test_create_list_and_get(app):
    client = app.test_client()
    created = client.post("/pets/", json={"name": "Tom"})
    assert created.status_code == 201
    assert created.json == {"id": 1, "name": "Tom", "kind": "cat"}
    client.post("/pets/", json={"name": "Rex", "kind": "dog"})
    assert [p["name"] for p in client.get("/pets/?kind=dog").json] == ["Rex"]
    assert client.get("/pets/1").json["name"] == "Tom"


def test_invalid_body_is_a_422_naming_the_field(app):
    response = app.test_client().post("/pets/", json={"name": ""})
    assert response.status_code == 422
    assert "name" in response.json["errors"]["json"]


def test_abort_gives_the_json_error(app):
    response = app.test_client().get("/pets/9")
    assert response.status_code == 404
    assert response.json["message"] == "No such pet."


def test_openapi_document_describes_the_api(app):
    spec = app.test_client().get("/openapi.json").json
    assert spec["info"] == {"title": "Pets", "version": "v1"}
    assert spec["openapi"] == "3.0.3"
    assert set(spec["paths"]) == {"/pets/", "/pets/{pet_id}"}
    assert "201" in spec["paths"]["/pets/"]["post"]["responses"]
    assert "Pet" in spec["components"]["schemas"]


def test_api_and_cors_over_http(live_server, app):
    server = live_server(app)
    origin = {"Origin": "https://front.example", "Content-Type": "application/json"}
    created = server.request("/pets/", data=b'{"name": "Tom"}', headers=origin)
    assert created.status == 201
    assert created.headers["Access-Control-Allow-Origin"] == "https://front.example"
    assert flask.json.loads(server.request("/openapi.json").text)["info"]["title"] == "Pets"
