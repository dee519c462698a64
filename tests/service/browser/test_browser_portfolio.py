"""The approved-products list and the bank's portfolio in a browser: the inspector puts a
signed, passing evaluation's version on the cn-cbrc-317 list; the bank sees the list, its
dashboard's headline figures, its portfolio with the chart of the passing share per year
against the targets, the what-if under the hypothetical draft, and a listed version's
page, which shows it verdicts and evidence summaries but never source or findings.

The portfolio (a passing version evaluated and signed, a version never inspected, four
asset lines) is made through the live service's API first (``portfolio_seed``).  One test
function, so pytest-xdist does not split the flow.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browser_helpers import Camera, LiveService, Watched, sign_in, sign_out
from portfolio_seed import LISTED_ON, Seeded, seed_portfolio

AS_OF = "2019-12-31"


@pytest.fixture(scope="module")
def seeded(live: LiveService) -> Seeded:
    """The bank's portfolio, made once for the module's service."""
    return seed_portfolio(live)


def _inspector_lists(page: Page, camera: Camera, seeded: Seeded) -> None:
    page.goto(f"/evaluations/{seeded.evaluation}")
    expect(page.locator("h1 .badge")).to_have_text("pass")
    expect(page.locator("#signature .badge")).to_have_text("signature valid")
    listing = page.locator("#listing")
    listing.get_by_label("Listed on").fill(LISTED_ON)
    camera.shoot(page, "evaluation-to-list")
    listing.get_by_role("button", name="List it").click()
    page.wait_for_url(re.compile(r"/listings\?"))
    expect(page.locator("p.flash")).to_have_text(f"Listed from {LISTED_ON}.")
    _shows_the_list(page)
    camera.shoot(page, "listed")


def _shows_the_list(page: Page) -> None:
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").nth(1)).to_have_text("Core Ledger")
    expect(rows.first.locator("td").nth(2)).to_have_text("2.1")
    expect(rows.first.locator("td").nth(4)).to_have_text(LISTED_ON)
    expect(rows.first.locator(".badge")).to_have_text("listed")


def _bank_dashboard_and_list(page: Page, camera: Camera) -> None:
    expect(page.locator("h1")).to_have_text("City Bank")
    expect(page.locator("p.lead")).to_contain_text("4 asset lines, total spend 745000.00.")
    figures = page.locator("section.headline .figures")
    # listed: 40 + 10 of 173 units; 490,000 of 745,000 spent
    expect(figures.locator(".big").nth(0)).to_have_text("28.9%")
    expect(figures.locator(".big").nth(1)).to_have_text("65.8%")
    expect(figures.locator(".muted").first).to_have_text("passing by count (50 of 173)")
    camera.shoot(page, "bank-dashboard")

    page.get_by_role("link", name="Approved products").click()
    page.wait_for_url("**/listings*")
    expect(page.locator("h1")).to_contain_text("Approved products")
    _shows_the_list(page)
    assert page.get_by_role("button", name="Remove").count() == 0  # only inspectors remove
    camera.shoot(page, "bank-list")


def _bank_portfolio(page: Page, camera: Camera) -> None:
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.wait_for_url("**/portfolio*")
    form = page.locator("form[action='/portfolio']")
    form.get_by_label("Rulebook").select_option("cn-cbrc-317")
    form.get_by_label("Version").select_option("2014-12")
    form.get_by_label("As of").fill(AS_OF)
    form.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"as_of=2019-12-31"))
    expect(page.locator("#share-count")).to_have_text("28.9%")
    expect(page.locator("#share-spend")).to_have_text("65.8%")

    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    # a bar per year end, from the oldest asset (2013) to the last target (2019)
    expect(page.locator("#years tbody tr td:first-child")).to_have_text(
        [str(year) for year in range(2013, 2020)])
    bars = chart.locator("g.year-mark rect.bar")
    expect(bars).to_have_count(7)
    heights = [box["height"] if box else 0.0
               for box in (bars.nth(i).bounding_box() for i in range(7))]
    assert heights[:2] == [0.0, 0.0] and all(h > 0 for h in heights[2:])  # listed in 2015
    assert heights[3] == heights[6] > heights[2]  # 24.5% at 2015's end, 28.9% from 2016
    expect(chart.locator("g.target-mark line.target")).not_to_have_count(0)
    expect(page.locator("#years tbody tr", has_text="2019").locator(".badge")).to_have_text(
        "not met")  # 75% of the installed base by 2019
    expect(page.locator("#replacements tbody tr")).to_have_count(1)
    expect(page.locator("#replacements tbody tr td").nth(1)).to_have_text("teller desktops")
    expect(page.locator("#assets tbody tr")).to_have_count(4)
    camera.shoot(page, "portfolio")


def _bank_whatif(page: Page, camera: Camera) -> None:
    page.get_by_role("link", name=re.compile("What-if under a draft")).click()
    page.wait_for_url("**/portfolio/whatif*")
    expect(page.locator("h1")).to_contain_text("2014-12 → 2015-draft-hypothetical")
    total = page.locator("#compare tbody tr.total td")
    expect(total.nth(1)).to_have_text("28.9%")  # now
    expect(total.nth(2)).to_have_text("28.9%")  # under the draft
    changes = page.locator("#changes tbody tr")
    expect(changes).to_have_count(1)  # the version never inspected has no draft verdict
    expect(changes.first).to_contain_text("Desk OS 7")
    expect(changes.first).to_contain_text("never inspected")
    camera.shoot(page, "whatif")


def _bank_sees_no_source(page: Page, camera: Camera, seeded: Seeded) -> None:
    page.goto(f"/versions/{seeded.passing}")
    expect(page.locator("h1")).to_have_text("Core Ledger 2.1")
    evaluations = page.locator("#evaluations")
    expect(evaluations.locator("tbody tr")).to_have_count(1)
    expect(evaluations.locator("tbody tr .badge")).to_have_text("pass")
    assert page.get_by_role("heading", name="Submissions").count() == 0
    assert page.locator("a[href^='/submissions/'], a[href^='/inspections/']").count() == 0
    expect(page.locator("#attestations tbody tr")).to_have_count(4)
    camera.shoot(page, "bank-listed-version")


def test_inspector_lists_and_bank_sees_its_portfolio(live: LiveService, seeded: Seeded,
                                                     watched: Watched,
                                                     camera: Camera) -> None:
    page = watched.page
    sign_in(page, "inspector")
    _inspector_lists(page, camera, seeded)
    sign_out(page)

    sign_in(page, "bank")
    _bank_dashboard_and_list(page, camera)
    _bank_portfolio(page, camera)
    _bank_whatif(page, camera)
    _bank_sees_no_source(page, camera, seeded)
    sign_out(page)
