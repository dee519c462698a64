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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portfolio"))

from portfolio_factory import MD5, SM3, Built, add_listing, add_portfolio, inspect

from anke.service.db.keys import DataKey
from service_factory import World

__all__ = ["HOSTILE", "MD5", "SM3", "Built", "build_portfolio", "inspect"]
HOSTILE = "<script>alert('asset')</script>"


def build_portfolio(world: World, hostile_name: bool = False) -> Built:
    """The portfolio of the module docstring, for the world's bank (asset 4 is named
    ``HOSTILE`` when ``hostile_name``)."""
    database = world.services.database
    vendor, bank, inspector = world.orgs["vendor"], world.orgs["bank"], world.users["inspector"]
    with database.writer() as session:
        session.add(DataKey(org_id=vendor, generation=99, wrapped=b"w", master_key_id="m"))
        ids, assets = add_portfolio(
            session, vendor, bank,
            lambda n: HOSTILE if hostile_name and n == 4 else f"asset {n}")
        built = Built(bank, 0, vendor, inspector, ids, [asset.id for asset in assets])
    add_listing(database, vendor, inspector, ids["os-1"], dt.date(2014, 1, 1))
    add_listing(database, vendor, inspector, ids["av-1"], dt.date(2015, 2, 1),
                dt.date(2015, 6, 1), removal_reason="certificate lapsed")
    return built
