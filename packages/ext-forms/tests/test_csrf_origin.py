"""The cross-origin check: Sec-Fetch-Site and Origin refuse another site's request even with a
valid token; trusted origins; the header-only mode without tokens; and the strict Referer
check on HTTPS when the origin is not otherwise known."""

import pytest

from kolba_forms.csrf import generate_csrf

HOST = "http://localhost"


@pytest.fixture
def post(app, csrf, client):
    @app.post("/")
    def index():
        return "done"

    @app.get("/token")
    def token():
        return generate_csrf()

    def send(*, token=True, base_url=HOST, **headers):
        data = {}
        if token:
            data["csrf_token"] = client.get("/token", base_url=base_url).text
        headers = {k.replace("_", "-"): v for k, v in headers.items()}
        return client.post("/", data=data, headers=headers, base_url=base_url)

    return send


def test_cross_site_request_is_refused_even_with_a_valid_token(post):
    response = post(Sec_Fetch_Site="cross-site", Origin="https://evil.example")
    assert response.status_code == 400
    assert "The request came from another site (Sec-Fetch-Site: cross-site)." in response.text


def test_same_site_request_from_another_origin_is_refused(post):
    response = post(Sec_Fetch_Site="same-site", Origin="http://blog.localhost")
    assert response.status_code == 400
    assert "Sec-Fetch-Site: same-site" in response.text


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_same_origin_and_user_started_requests_pass(post, site):
    assert post(Sec_Fetch_Site=site, Origin=HOST).text == "done"


def test_unknown_sec_fetch_site_value_is_refused_without_echoing_it(post):
    response = post(Sec_Fetch_Site="<script>")
    assert response.status_code == 400
    assert "Sec-Fetch-Site: unknown" in response.text
    assert "<script>" not in response.text


def test_origin_of_another_host_is_refused(post):
    response = post(Origin="https://evil.example")
    assert response.status_code == 400
    assert "The Origin header does not match the host." in response.text


def test_origin_with_another_port_is_refused(post):
    assert post(Origin="http://localhost:8080").status_code == 400


def test_null_origin_is_refused(post):
    assert post(Origin="null").status_code == 400


def test_matching_origin_passes(post):
    assert post(Origin=HOST).text == "done"


def test_request_without_the_headers_is_left_to_the_token(post):
    assert post().text == "done"
    assert post(token=False).status_code == 400


def test_trusted_origin_passes(app, post):
    app.config["WTF_CSRF_TRUSTED_ORIGINS"] = ["https://app.example.com"]
    response = post(Sec_Fetch_Site="cross-site", Origin="https://app.example.com")
    assert response.text == "done"
    assert post(Sec_Fetch_Site="cross-site", Origin="https://evil.example").status_code == 400


def test_origin_check_can_be_turned_off(app, post):
    app.config["WTF_CSRF_CHECK_ORIGIN"] = False
    assert post(Sec_Fetch_Site="cross-site", Origin="https://evil.example").text == "done"


def test_header_only_mode_needs_no_token(app, post):
    app.config["WTF_CSRF_REQUIRE_TOKEN"] = False
    assert post(token=False, Sec_Fetch_Site="same-origin").text == "done"
    assert post(token=False, Origin=HOST).text == "done"
    refused = post(token=False, Sec_Fetch_Site="cross-site", Origin="https://evil.example")
    assert refused.status_code == 400


def test_header_only_mode_forms_carry_no_token(app):
    from kolba_forms import KolbaForm

    app.config["WTF_CSRF_REQUIRE_TOKEN"] = False
    with app.test_request_context(method="POST"):
        form = KolbaForm()
        assert "csrf_token" not in form and form.validate()


def test_https_without_origin_needs_a_referer(post):
    response = post(base_url="https://localhost")
    assert response.status_code == 400
    assert "The referrer header is missing." in response.text


@pytest.mark.parametrize(
    "referer", ["http://localhost/", "https://other/", "https://localhost:8443/", "https://[::1"]
)
def test_https_referer_of_another_origin_is_refused(post, referer):
    response = post(base_url="https://localhost", Referer=referer)
    assert response.status_code == 400
    assert "The referrer does not match the host." in response.text


def test_https_same_origin_referer_passes(post):
    assert post(base_url="https://localhost", Referer="https://localhost/form").text == "done"


def test_https_with_a_matching_origin_needs_no_referer(post):
    assert post(base_url="https://localhost", Origin="https://localhost").text == "done"


def test_https_referer_check_can_be_turned_off(app, post):
    app.config["WTF_CSRF_SSL_STRICT"] = False
    assert post(base_url="https://localhost").text == "done"
