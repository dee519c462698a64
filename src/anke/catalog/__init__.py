"""The algorithm catalog: canonical names, aliases, OIDs, primitives, origins, strength."""

from anke.catalog.index import Catalog, load_catalog

__all__ = ["Catalog", "load_catalog"]
