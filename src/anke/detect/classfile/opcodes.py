"""The JVM instruction set table (``data/opcodes.yaml``), validated and indexed by opcode."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from anke.datafile import load_yaml_model

DATA = Path(__file__).parent / "data" / "opcodes.yaml"


class Flow(StrEnum):
    """Where control goes after an instruction."""

    NEXT = "next"
    BRANCH = "branch"
    GOTO = "goto"
    SWITCH = "switch"
    END = "end"


class Opcode(BaseModel):
    """One instruction: its byte, length and operand stack effect in words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: int = Field(ge=0, le=255)
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    length: int = Field(ge=0, le=5, description="0: the length varies")
    pop: int | None = Field(default=None, ge=0)
    push: int | None = Field(default=None, ge=0)
    flow: Flow = Flow.NEXT


class OpcodeFile(BaseModel):
    """The whole table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    opcodes: tuple[Opcode, ...]

    @model_validator(mode="after")
    def _unique(self) -> OpcodeFile:
        seen: set[int] = set()
        for opcode in self.opcodes:
            if opcode.code in seen:
                raise ValueError(f"opcode 0x{opcode.code:02x} is listed twice")
            seen.add(opcode.code)
        return self


@cache
def opcode_table() -> tuple[Opcode | None, ...]:
    """The 256 opcodes, None for bytes that are no instruction."""
    table: list[Opcode | None] = [None] * 256
    for opcode in load_yaml_model(DATA, OpcodeFile).opcodes:
        table[opcode.code] = opcode
    return tuple(table)
