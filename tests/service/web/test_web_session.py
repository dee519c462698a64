"""Signing in and out through the web form, and where anonymous visitors are sent."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service_factory import PASSWORD, World
from web_helpers import hidden, web_sign_in


def test_anonymous_pages_go_to_sign_in_with_a_local_next(world: World) -> None:
    anonymous = TestClient(world.client.app)
    response = anonymous.get("/products?offset=0", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fproducts%3Foffset%3D0"
    page = anonymous.get("/login", params={"next": "https://evil.example/x"})
    assert page.status_code == 200 and hidden(page.text, "next") == "/"
    page = anonymous.get("/login", params={"next": "//evil.example/x"})
    assert hidden(page.text, "next") == "/"


def test_sign_in_sets_the_same_cookie_as_the_api_and_follows_next(world: World) -> None:
    client = TestClient(world.client.app)
    page = client.get("/login", params={"next": "/rulebooks"})
    login_cookie = page.headers["set-cookie"]
    assert "HttpOnly" in login_cookie and "SameSite=strict" in login_cookie
    done = client.post("/login", data={"email": "inspector@example.org", "password": PASSWORD,
                                       "login_token": hidden(page.text, "login_token"),
                                       "next": hidden(page.text, "next")},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/rulebooks"
    cookies = done.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("anke_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/" in session
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "Signed in." in dashboard.text and "Regulator" in dashboard.text
    assert "Signed in." not in client.get("/").text  # a flash is shown once


def test_wrong_password_is_401_on_the_same_page(world: World) -> None:
    client = TestClient(world.client.app)
    page = client.get("/login")
    wrong = client.post("/login", data={"email": "vendor@example.org", "password": "nope",
                                        "login_token": hidden(page.text, "login_token")})
    assert wrong.status_code == 401
    assert "Wrong e-mail or password." in wrong.text and 'name="password"' in wrong.text
    assert "anke_session" not in client.cookies


def test_the_sign_in_form_needs_its_double_submit_token(world: World) -> None:
    client = TestClient(world.client.app)
    client.get("/login")
    forged = client.post("/login", data={"email": "vendor@example.org", "password": PASSWORD,
                                         "login_token": "guessed"})
    assert forged.status_code == 403 and "anke_session" not in client.cookies
    fresh = TestClient(world.client.app)  # no cookie at all: a cross-site post
    page = client.get("/login")
    forged = fresh.post("/login", data={"email": "vendor@example.org", "password": PASSWORD,
                                        "login_token": hidden(page.text, "login_token")})
    assert forged.status_code == 403


def test_sign_out_needs_csrf_and_ends_the_session(world: World) -> None:
    client, csrf = web_sign_in(world, "bank")
    refused = client.post("/logout", follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    done = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"
    again = client.get("/", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")
