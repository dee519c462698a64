"""The demo behind ``make run`` (``anke serve --demo``): a regulator, a domestic and a
foreign vendor, real inspections of packages fetched from a registry, judgements, and a bank
with about fifty assets, seeded through the service's own API (see ``data/demo.yaml``)."""
