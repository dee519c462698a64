"""The bank's portfolio page (headline, categories, chart, replacements, assets, add form)
and the what-if page, on the hand-built portfolio of ``portfolio_world``."""

from __future__ import annotations

import re
from pathlib import Path

from portfolio_world import HOSTILE, MD5, SM3, build_portfolio, inspect
from sqlalchemy import select

from anke.service.audit.model import AuditEntry
from anke.service.db.portfolio import Asset
from service_factory import World
from web_helpers import web_sign_in

PAGE = "/portfolio?rulebook=cn-cbrc-317&version=2014-12&as_of=2015-03-01"


def _cell_row(html: str, table_id: str, first: str) -> list[str]:
    """The cells of the row of table ``table_id`` whose first cell is ``first``."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in {table_id}")


def test_the_portfolio_page_shows_the_numbers(world: World) -> None:
    build_portfolio(world)
    bank, _ = web_sign_in(world, "bank")
    page = bank.get(PAGE)
    assert page.status_code == 200, page.text
    html = page.text
    # in service on 2015-03-01: assets 1-4; os-1 (10) and av-1 (5) listed: 15 of 50 units
    assert '<span class="big" id="share-count">30.0%</span>' in html
    assert "passing by count (15 of 50)" in html
    assert '<span class="big" id="share-spend">62.5%</span>' in html  # 1250 of 2000
    assert '<span class="big" id="next-target">100.0%</span>' in html
    assert "next target: 2015, new-purchases, desktop, by count (0.0% at year end)" in html
    assert _cell_row(html, "categories", "operating-system") == [
        "operating-system", "2", "40", "10", "25.0%", "1500.00", "1000.00", "66.7%"]
    assert _cell_row(html, "categories", "anti-virus")[4] == "100.0%"
    assert _cell_row(html, "categories", "desktop")[4] == "0.0%"
    # the per-year series the chart draws, also as a table
    expected = {"2013": "0.0%", "2014": "25.0%", "2015": "20.0%", "2016": "60.0%",
                "2017": "60.0%", "2018": "60.0%", "2019": "60.0%"}
    for year, share in expected.items():
        assert _cell_row(html, "years", year)[1] == share
    assert _cell_row(html, "years", "2016")[2] == "60 / 100"
    # the cheapest replacement: the one desktop line (5 units, 250.00)
    assert "replace 1 asset (5 units) for 250.00" in html
    assert "share after: 100.0%" in html


def test_the_chart_has_one_mark_per_year_and_the_targets(world: World) -> None:
    build_portfolio(world)
    bank, _ = web_sign_in(world, "bank")
    html = bank.get(PAGE).text
    svg = html.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert svg.count('<g class="year-mark">') == 7  # 2013 .. 2019
    labels = re.findall(r'<text class="axis-label"[^>]*>(\d{4})</text>', svg)
    assert labels == [str(year) for year in range(2013, 2020)]
    # the targets with a share: four of 2015 and 75% of 2019 (the unverified ones have none)
    assert svg.count('class="target-mark') == 5
    assert svg.count('class="target-mark unmet"') == 3  # desktop, anti-virus, 2019
    assert "2019: 75.0% of installed base, all categories, by count; 60.0% at year end" in svg
    assert svg.count('class="spend-dot"') == 7 + 1  # one per year, one in the legend
    assert "by count (installed base)" in svg and ">target</text>" in svg
    heights = re.findall(r'<rect class="bar[^"]*" x="[\d.]+" y="[\d.]+" width="[\d.]+" '
                         r'height="([\d.]+)"><title>(\d{4})', svg)
    by_year = {year: float(height) for height, year in heights}
    assert by_year["2013"] == 0.0 and by_year["2016"] > by_year["2014"] > by_year["2015"]


def test_assets_are_paged_added_and_escaped(world: World) -> None:
    build_portfolio(world, hostile_name=True)
    bank, csrf = web_sign_in(world, "bank")
    html = bank.get(PAGE).text
    assert HOSTILE not in html and "&lt;script&gt;alert(&#39;asset&#39;)&lt;/script&gt;" in html
    assert "Add an asset" in html
    refused = bank.post("/portfolio/assets", data={"name": "PC", "category": "desktop",
                                                   "in_service_since": "2015-01-01"})
    assert refused.status_code == 403
    bad = bank.post("/portfolio/assets", data={"name": "PC", "category": "toaster",
                                               "quantity": "2", "spend": "10",
                                               "in_service_since": "2015-01-01",
                                               "csrf_token": csrf})
    assert "Not saved: unknown category &#39;toaster&#39;" in bad.text
    done = bank.post("/portfolio/assets", data={"name": "Desk PC", "category": "desktop",
                                                "quantity": "3", "spend": "12.5",
                                                "in_service_since": "2015-01-01",
                                                "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/portfolio#assets"
    with world.services.database.reader() as session:
        added = session.execute(select(Asset).where(Asset.name == "Desk PC")).scalar_one()
        audited = session.execute(select(AuditEntry).where(
            AuditEntry.action == "asset.create")).scalars().all()
    assert (added.quantity, str(added.spend), added.bank_id) == (3, "12.50",
                                                                 world.orgs["bank"])
    assert len(audited) == 1
    inspector, _ = web_sign_in(world, "inspector")
    chooser = inspector.get("/portfolio")
    assert "Choose a bank" in chooser.text and "City Bank" in chooser.text
    theirs = inspector.get(PAGE + f"&bank_id={world.orgs['bank']}")
    assert theirs.status_code == 200 and "Desk PC" in theirs.text
    assert "Add an asset" not in theirs.text
    assert inspector.get(f"/portfolio?bank_id={world.orgs['vendor']}").status_code == 404
    assert bank.get(f"/portfolio?bank_id={world.orgs['vendor']}").status_code == 404
    assert bank.get("/portfolio?rulebook=nope").status_code == 404
    assert bank.get("/portfolio?as_of=yesterday").status_code == 422


def test_the_dashboard_links_to_the_portfolio(world: World) -> None:
    bank, _ = web_sign_in(world, "bank")
    board = bank.get("/").text
    assert 'href="/portfolio?rulebook=cn-cbrc-317&amp;version=' in board
    assert '<a href="/portfolio"' in board and '<a href="/listings"' in board
    vendor, _ = web_sign_in(world, "vendor")
    nav = vendor.get("/").text
    assert '<a href="/portfolio"' not in nav and '<a href="/listings"' in nav


def test_whatif_under_the_hypothetical_draft(world: World, tmp_path: Path) -> None:
    built = build_portfolio(world)
    inspect(world.services.database, built, built.versions["os-1"], tmp_path, {"md.py": MD5})
    inspect(world.services.database, built, built.versions["os-2"], tmp_path, {"sm.py": SM3})
    bank, _ = web_sign_in(world, "bank")
    page = bank.get("/portfolio/whatif?rulebook=cn-cbrc-317&as_of=2015-01-15")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<option value="2015-draft-hypothetical" selected>' in html
    # in service on 2015-01-15: assets 1-3 (45 units); now os-1 passes (10); under the
    # draft os-2 passes (30), os-1 fails (MD5), av-1 was never inspected
    assert _cell_row(html, "compare", "all")[1:4] == ["22.2%", "66.7%", "+44.4 pt"]
    assert _cell_row(html, "compare", "operating-system")[1:4] == ["25.0%", "75.0%",
                                                                    "+50.0 pt"]
    assert _cell_row(html, "changes", "OS 1")[1:4] == ["pass", "fail", "fail"]
    assert _cell_row(html, "changes", "OS 2")[1:4] == ["fail", "pass", "pass"]
    changes = _cell_row(html, "changes", "AV 1")
    assert changes[1:4] == ["fail", "unknown", "never inspected"]
    assert "Assets whose verdict changes <span class=\"muted\">2</span>" in html
    unknown = bank.get("/portfolio/whatif?rulebook=cn-cbrc-317&as_of=2015-01-15&draft=nope")
    assert unknown.status_code == 404
