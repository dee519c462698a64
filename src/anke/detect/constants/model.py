"""The data model of the constants tables (``constants/data/*.yaml``).

A table is a run of fixed-width values that an implementation of one algorithm keeps as
data: an S-box, a T-table, an initial value, round constants, a curve parameter. Each
table names the catalog algorithm it identifies and the standard (and section) it comes
from. Wide values (curve parameters, Streebog's 512-bit constants) are tables whose width
is the integer's size in bits.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIN_TABLE_BYTES = 16  # shorter runs (single 32-bit words, 64-bit pairs) are never matched


class Table(BaseModel):
    """One table of constants."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="rule id suffix")
    algorithm: str = Field(description="catalog name of the algorithm the table identifies")
    curve: str | None = Field(default=None, description="catalog curve name, for curve params")
    what: str = Field(min_length=1, description="what the table is: S-box, IV, round constants")
    width: int = Field(ge=8, le=1024, description="bits per value")
    stored_widths: tuple[int, ...] = Field(
        default=(), description="other word widths the values are commonly stored in")
    confidence: Literal["high", "medium", "low"] = Field(
        default="high", description="confidence of a whole-table match")
    shared_with: tuple[str, ...] = Field(
        default=(), description="other algorithms that use the same table")
    source: str = Field(min_length=1, description="the standard and section it comes from")
    values: tuple[int, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Table:
        if self.width % 8:
            raise ValueError(f"width {self.width} is not a whole number of bytes")
        for width in self.stored_widths:
            if width not in (16, 32, 64) or width <= self.width:
                raise ValueError(f"stored width {width} is not a wider 16/32/64-bit word")
        limit = 1 << self.width
        for index, value in enumerate(self.values):
            if not 0 <= value < limit:
                raise ValueError(f"value {index} does not fit in {self.width} bits")
        if len(self.values) * self.width // 8 < MIN_TABLE_BYTES:
            raise ValueError(f"shorter than {MIN_TABLE_BYTES} bytes: too weak to match")
        return self

    @property
    def size(self) -> int:
        """Size in bytes at the table's own width."""
        return len(self.values) * self.width // 8


class TableFile(BaseModel):
    """One data file: the tables of one family."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: str
    tables: tuple[Table, ...] = Field(min_length=1)
