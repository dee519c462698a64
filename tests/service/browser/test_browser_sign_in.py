"""Signing in through the form as each role, seeing that role's dashboard, signing out."""

from __future__ import annotations

import pytest

from browser_helpers import Camera, Watched, sign_in, sign_out

# role -> (the dashboard's heading, a section only that dashboard has)
DASHBOARDS = {
    "vendor": ("Domestic Vendor", "Latest submissions"),
    "inspector": ("Queue", "Awaiting triage"),
    "bank": ("City Bank", None),
    "admin": ("Administration", "Audit chain"),
}


@pytest.mark.parametrize("who", list(DASHBOARDS))
def test_each_role_signs_in_sees_its_dashboard_and_signs_out(who: str, watched: Watched,
                                                             camera: Camera) -> None:
    page = watched.page
    page.goto("/")
    page.wait_for_url("**/login?next=%2F")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    camera.shoot(page, "sign-in-form")

    sign_in(page, who)
    heading, section = DASHBOARDS[who]
    assert page.locator("h1").inner_text() == heading
    if section is not None:
        assert page.get_by_role("heading", name=section).is_visible()
    assert page.locator("header .role").text_content() == who
    assert page.locator("p.flash").inner_text() == "Signed in."
    camera.shoot(page, "dashboard")

    sign_out(page)
    assert page.locator("p.flash").inner_text() == "Signed out."
    page.goto("/")
    page.wait_for_url("**/login?next=%2F")  # the session is gone
    camera.shoot(page, "signed-out")


def test_a_wrong_password_is_refused_on_the_form(watched: Watched, camera: Camera) -> None:
    page = watched.page
    page.goto("/login")
    page.get_by_label("E-mail").fill("vendor@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert page.url.endswith("/login")
    camera.shoot(page, "refused")
