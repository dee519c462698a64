"""The hand-built portfolio of the portfolio tests, held by the web world's bank (so its
bank user can sign in and see it).

Under cn-cbrc-317@2014-12:

| asset | version | category         | qty | spend   | in service |
| ----- | ------- | ---------------- | --- | ------- | ---------- |
| 1     | os-1    | operating-system | 10  | 1000.00 | 2013-05-01 |
| 2     | os-2    | operating-system | 30  |  500.00 | 2014-03-01 |
| 3     | av-1    | anti-virus       |  5  |  250.00 | 2015-01-10 |
| 4     | (none)  | desktop          |  5  |  250.00 | 2015-02-01 |
| 5     | os-1    | software         | 50  | 2000.00 | 2016-07-01 |

os-1 is listed from 2014-01-01; av-1 from 2015-02-01 until its removal on 2015-06-01; os-2
is never listed.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portfolio"))

from portfolio_factory import MD5, SM3, Built, inspect

from anke.service.db.evaluations import Evaluation, Listing
from anke.service.db.inspections import Inspection, InspectionStatus
from anke.service.db.keys import DataKey
from anke.service.db.portfolio import Asset
from anke.service.db.products import Product, ProductVersion, Submission
from service_factory import World

__all__ = ["HOSTILE", "MD5", "SM3", "Built", "build_portfolio", "inspect"]
HOSTILE = "<script>alert('asset')</script>"


def _listing(world: World, version_id: int, listed: dt.date, removed: dt.date | None) -> None:
    with world.services.database.writer() as session:
        key = session.query(DataKey).filter(DataKey.org_id == world.orgs["vendor"]).one()
        submission = Submission(version_id=version_id, uploaded_by=world.users["inspector"],
                                filename="x.tgz", size=1, sha256="0" * 64,
                                blob_key=f"listing-{version_id}", data_key_id=key.id,
                                cipher="aes-256-gcm", manifest=[])
        session.add(submission)
        session.flush()
        inspection = Inspection(submission_id=submission.id,
                                requested_by=world.users["inspector"],
                                status=InspectionStatus.FAILED)
        session.add(inspection)
        session.flush()
        evaluation = Evaluation(version_id=version_id, inspection_id=inspection.id,
                                rulebook="cn-cbrc-317", rulebook_version="2014-12",
                                as_of=listed, overall="pass", result={}, digest="0" * 64,
                                created_by=world.users["inspector"])
        session.add(evaluation)
        session.flush()
        session.add(Listing(rulebook="cn-cbrc-317", rulebook_version="2014-12",
                            version_id=version_id, evaluation_id=evaluation.id,
                            listed_on=listed, removed_on=removed,
                            removal_reason="certificate lapsed" if removed else "",
                            published_by=world.users["inspector"]))


def build_portfolio(world: World, hostile_name: bool = False) -> Built:
    """The portfolio of the module docstring, for the world's bank (asset 4 is named
    ``HOSTILE`` when ``hostile_name``)."""
    with world.services.database.writer() as session:
        session.add(DataKey(org_id=world.orgs["vendor"], generation=99, wrapped=b"w",
                            master_key_id="m"))
        system = Product(vendor_id=world.orgs["vendor"], name="OS",
                         category="operating-system")
        antivirus = Product(vendor_id=world.orgs["vendor"], name="AV", category="anti-virus")
        session.add_all([system, antivirus])
        session.flush()
        versions = {"os-1": ProductVersion(product_id=system.id, version="1"),
                    "os-2": ProductVersion(product_id=system.id, version="2"),
                    "av-1": ProductVersion(product_id=antivirus.id, version="1")}
        session.add_all(versions.values())
        session.flush()
        ids = {name: version.id for name, version in versions.items()}
        rows = [(ids["os-1"], "operating-system", 10, "1000.00", dt.date(2013, 5, 1)),
                (ids["os-2"], "operating-system", 30, "500.00", dt.date(2014, 3, 1)),
                (ids["av-1"], "anti-virus", 5, "250.00", dt.date(2015, 1, 10)),
                (None, "desktop", 5, "250.00", dt.date(2015, 2, 1)),
                (ids["os-1"], "software", 50, "2000.00", dt.date(2016, 7, 1))]
        assets = [Asset(bank_id=world.orgs["bank"],
                        name=HOSTILE if hostile_name and n == 4 else f"asset {n}",
                        version_id=version_id, category=category, quantity=quantity,
                        spend=Decimal(spend), in_service_since=since)
                  for n, (version_id, category, quantity, spend, since) in enumerate(rows, 1)]
        session.add_all(assets)
        session.flush()
        built = Built(world.orgs["bank"], 0, world.orgs["vendor"], world.users["inspector"],
                      ids, [asset.id for asset in assets])
    _listing(world, ids["os-1"], dt.date(2014, 1, 1), None)
    _listing(world, ids["av-1"], dt.date(2015, 2, 1), dt.date(2015, 6, 1))
    return built
