"""URL converters: the built-in ones with their arguments, and custom converters registered on
app.url_map.converters, used both to match requests and to build URLs."""

import uuid

import pytest
from werkzeug.routing import BaseConverter, ValidationError

from kolba import Kolba, url_for


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def echo(value):
    return f"{value!r} {type(value).__name__}"


class RegexConverter(BaseConverter):
    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = args[0]


class ListConverter(BaseConverter):
    """Matches `a+b+c` and hands the view a list; builds URLs back from a list."""

    def to_python(self, value):
        return value.split("+")

    def to_url(self, value):
        return "+".join(super(ListConverter, self).to_url(item) for item in value)


class EvenConverter(BaseConverter):
    regex = r"\d+"

    def to_python(self, value):
        if int(value) % 2:
            raise ValidationError()
        return int(value)


def test_builtin_converter_names(app):
    assert set(app.url_map.converters) == {
        "default",
        "string",
        "any",
        "path",
        "int",
        "float",
        "uuid",
    }


def test_default_converter_accepts_text_without_slash(app, client):
    app.add_url_rule("/d/<value>", "d", echo)

    assert client.get("/d/héllo").text == "'héllo' str"
    assert client.get("/d/a/b").status_code == 404


def test_string_converter_minlength_and_maxlength(app, client):
    app.add_url_rule("/s/<string(minlength=2, maxlength=4):value>", "s", echo)

    assert client.get("/s/a").status_code == 404
    assert client.get("/s/ab").status_code == 200
    assert client.get("/s/abcd").status_code == 200
    assert client.get("/s/abcde").status_code == 404


def test_string_converter_exact_length(app, client):
    app.add_url_rule("/code/<string(length=3):value>", "code", echo)

    assert client.get("/code/abc").text == "'abc' str"
    assert client.get("/code/ab").status_code == 404


def test_any_converter_matches_only_listed_values(app, client):
    app.add_url_rule("/page/<any(about, help):value>", "page", echo)

    assert client.get("/page/about").text == "'about' str"
    assert client.get("/page/help").status_code == 200
    assert client.get("/page/other").status_code == 404


def test_any_converter_refuses_to_build_unlisted_value(app):
    app.add_url_rule("/page/<any(about, help):value>", "page", echo)

    with app.test_request_context():
        assert url_for("page", value="help") == "/page/help"
        with pytest.raises(ValueError):
            url_for("page", value="other")


def test_path_converter_accepts_slashes(app, client):
    app.add_url_rule("/files/<path:value>", "files", echo)

    assert client.get("/files/a/b/c.txt").text == "'a/b/c.txt' str"


def test_path_converter_keeps_slashes_when_building(app):
    app.add_url_rule("/files/<path:value>", "files", echo)

    with app.test_request_context():
        assert url_for("files", value="docs/read me.txt") == "/files/docs/read%20me.txt"


def test_int_converter_passes_an_int(app, client):
    app.add_url_rule("/i/<int:value>", "i", echo)

    assert client.get("/i/42").text == "42 int"


@pytest.mark.parametrize("path", ["/i/-1", "/i/4.2", "/i/abc"])
def test_int_converter_rejects_non_natural_numbers(app, client, path):
    app.add_url_rule("/i/<int:value>", "i", echo)

    assert client.get(path).status_code == 404


def test_int_converter_min_and_max(app, client):
    app.add_url_rule("/i/<int(min=1, max=10):value>", "i", echo)

    assert [client.get(f"/i/{n}").status_code for n in (0, 1, 10, 11)] == [404, 200, 200, 404]


def test_int_converter_signed_accepts_negative(app, client):
    app.add_url_rule("/i/<int(signed=True):value>", "i", echo)

    assert client.get("/i/-5").text == "-5 int"


def test_int_converter_fixed_digits_matches_and_pads(app, client):
    app.add_url_rule("/year/<int(fixed_digits=4):value>", "year", echo)

    assert client.get("/year/0042").text == "42 int"
    assert client.get("/year/42").status_code == 404
    with app.test_request_context():
        assert url_for("year", value=42) == "/year/0042"


def test_int_converter_with_too_many_digits_is_404(app, client):
    app.add_url_rule("/i/<int:value>", "i", echo)

    assert client.get("/i/" + "1" * 5000).status_code == 404


def test_float_converter_passes_a_float(app, client):
    app.add_url_rule("/f/<float:value>", "f", echo)

    assert client.get("/f/1.5").text == "1.5 float"


def test_float_converter_requires_a_decimal_point(app, client):
    app.add_url_rule("/f/<float:value>", "f", echo)

    assert client.get("/f/1").status_code == 404


def test_float_converter_signed_accepts_negative(app, client):
    app.add_url_rule("/f/<float:value>", "f", echo)
    app.add_url_rule("/sf/<float(signed=True):value>", "sf", echo)

    assert client.get("/f/-1.5").status_code == 404
    assert client.get("/sf/-1.5").text == "-1.5 float"


def test_uuid_converter_passes_a_uuid(app, client):
    app.add_url_rule("/u/<uuid:value>", "u", echo)
    value = uuid.uuid4()

    assert client.get(f"/u/{value}").text == f"{value!r} UUID"


def test_uuid_converter_rejects_other_text(app, client):
    app.add_url_rule("/u/<uuid:value>", "u", echo)

    assert client.get("/u/not-a-uuid").status_code == 404


def test_uuid_converter_builds_from_a_uuid(app):
    app.add_url_rule("/u/<uuid:value>", "u", echo)
    value = uuid.UUID(int=5)

    with app.test_request_context():
        assert url_for("u", value=value) == "/u/00000000-0000-0000-0000-000000000005"


def test_unknown_converter_name_raises_lookup_error(app):
    with pytest.raises(LookupError):
        app.add_url_rule("/x/<nope:value>", "x", echo)


def test_custom_regex_converter_matches_its_pattern(app, client):
    app.url_map.converters["re"] = RegexConverter
    app.add_url_rule(r"/sms/<re('1[3-9]\d{9}'):value>", "sms", echo)

    assert client.get("/sms/13012345671").text == "'13012345671' str"
    assert client.get("/sms/12012345671").status_code == 404
    assert client.get("/sms/130123").status_code == 404


def test_custom_regex_converter_is_used_to_build_urls(app):
    app.url_map.converters["re"] = RegexConverter
    app.add_url_rule(r"/goods/<re('\d+'):value>", "goods", echo)

    with app.test_request_context():
        assert url_for("goods", value=888) == "/goods/888"


def test_custom_converter_to_python_shapes_the_view_argument(app, client):
    app.url_map.converters["list"] = ListConverter
    app.add_url_rule("/tags/<list:value>", "tags", echo)

    assert client.get("/tags/a+b+c").text == "['a', 'b', 'c'] list"


def test_custom_converter_to_url_shapes_built_urls(app):
    app.url_map.converters["list"] = ListConverter
    app.add_url_rule("/tags/<list:value>", "tags", echo)

    with app.test_request_context():
        assert url_for("tags", value=["x", "y z"]) == "/tags/x+y%20z"


def test_custom_converter_validation_error_means_no_match(app, client):
    app.url_map.converters["even"] = EvenConverter
    app.add_url_rule("/even/<even:value>", "even", echo)

    assert client.get("/even/4").text == "4 int"
    assert client.get("/even/5").status_code == 404


def test_custom_converter_is_registered_per_app(app):
    app.url_map.converters["re"] = RegexConverter

    assert "re" not in Kolba(__name__).url_map.converters
