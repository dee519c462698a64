"""Whether a string of a binary is an entry of a table of algorithm names.

Libraries keep names they know in tables: OpenSSL's object table (``md2``,
``md2WithRSAEncryption``, ``id-tc26-gost-3410-2012-512-paramSetA`` beside hundreds more),
libgcrypt's lookup table of hash names, a TLS library's cipher-string vocabulary.  In the
compiled binary such a table is a run of strings most of which name an algorithm.  A
string is taken to be in a table when enough of the whole strings around it name one.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from anke.detect.symbols.rules import NameTables


class TableIndex:
    """Answers "is the string at this offset in a table of names?" for one binary."""

    def __init__(self, entries: list[tuple[str, int]], names_algorithm: Callable[[str], bool],
                 rules: NameTables) -> None:
        self._texts = [text for text, _ in entries]
        self._offsets = [offset for _, offset in entries]
        self._names_algorithm = names_algorithm
        self._rules = rules
        self._named: dict[int, bool] = {}

    def _is_named(self, index: int) -> bool:
        named = self._named.get(index)
        if named is None:
            named = self._names_algorithm(self._texts[index])
            self._named[index] = named
        return named

    def in_table(self, offset: int) -> bool:
        """True when the string at ``offset`` has enough algorithm names around it."""
        if not self._offsets:
            return False
        here = bisect.bisect_right(self._offsets, offset) - 1  # the entry holding offset
        if here >= 0 and offset >= self._offsets[here] + len(self._texts[here]):
            here_is_entry = False  # offset lies between entries
        else:
            here_is_entry = here >= 0
        rules = self._rules
        low = max(0, here - rules.neighbours + (0 if here_is_entry else 1))
        high = min(len(self._offsets), here + rules.neighbours + 1)
        named = 0
        for index in range(low, high):
            if index == here and here_is_entry:
                continue
            if abs(self._offsets[index] - offset) > rules.span:
                continue
            if self._is_named(index):
                named += 1
                if named >= rules.min_named:
                    return True
        return False
