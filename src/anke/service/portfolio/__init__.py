"""Banks' portfolios: their assets, the passing share against a rulebook's yearly targets,
the cheapest replacements that reach the next target, and what-if under a draft version.

No HTTP here: the API routes and the web pages call these functions and turn
:class:`anke.service.refusals.Refused` into their status.
"""
