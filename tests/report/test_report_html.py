"""The HTML report: self-contained, escaped, and what a person sees in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from report_samples import INJECTION, NOW, SM4, document, evaluation

from anke.evaluation.result import Overall
from anke.report.html import render_html

CHROMIUM = Path("/usr/bin/chromium")


def test_page_is_self_contained_and_escaped() -> None:
    page = render_html(document(), evaluation(), generated=NOW)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing to fetch
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page
    assert "generated 2015-04-13 09:30 UTC" in page


def test_scan_only_page_has_no_verdict() -> None:
    page = render_html(document(), generated=NOW)
    assert 'id="verdict"' not in page
    assert 'id="chart-origin"' in page


def test_empty_scan_renders() -> None:
    page = render_html(document([]), generated=NOW)
    assert "No algorithm found." in page and "no algorithms found" in page


def test_not_binding_rulebook_says_so() -> None:
    page = render_html(document(), evaluation(Overall.SUSPENDED), generated=NOW)
    assert "The rulebook does not bind on this date" in page
    assert ">SUSPENDED</span>" in page


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                    "(apt-get install -y chromium)")
def test_what_a_person_sees_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    report = tmp_path / "report.html"
    report.write_text(render_html(document(), evaluation(), generated=NOW), encoding="utf-8")
    url = report.as_uri()
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(url)
            page.wait_for_load_state("networkidle")

            overall = page.locator("#overall")
            assert overall.inner_text() == "FAIL" and overall.is_visible()
            failing = page.locator("#controls tr.control", has_text="fail").first
            assert failing.locator("strong").inner_text() == "Use state-approved cryptography"
            assert failing.is_visible()
            assert page.locator("#lifecycle").inner_text().startswith(
                "version 2014-12 in force since 2014-12-26")

            origin_bars = page.locator("#chart-origin rect.bar")
            assert origin_bars.count() == 4
            assert [page.locator("#chart-origin g.row").nth(i).get_attribute("data-label")
                    for i in range(4)] == ["US", "CN", "BE", "unknown"]
            boxes = [origin_bars.nth(i).bounding_box() for i in range(4)]
            assert all(box is not None and box["width"] > 0 for box in boxes)
            assert page.locator("#chart-primitive rect.bar").count() == 5

            sm4_row = page.locator(f"#f-{SM4.id}")
            assert not sm4_row.is_visible()  # groups start collapsed
            page.locator("details.algorithm summary", has_text="SM4").click()
            assert sm4_row.is_visible()
            assert "src/com/acme/Gm.java:7" in sm4_row.inner_text()

            injected = page.get_by_text(INJECTION, exact=True)
            assert injected.is_visible()
            assert page.locator("script").count() == 0
        finally:
            browser.close()
    assert dialogs == []
    assert requests == [url]  # the page itself, and nothing else
