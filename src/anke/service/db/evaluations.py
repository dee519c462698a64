"""Signed evaluations, inspectors' signing keys and the approved-products lists."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anke.service.db.base import Base, UTCDateTime, utcnow
from anke.service.db.products import ProductVersion


class SigningKey(Base):
    """An inspector's Ed25519 key: the public half in clear, the private half wrapped."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_private: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Evaluation(Base):
    """A product version judged against a rulebook version as of a date.

    ``result`` is the evaluation JSON; ``digest`` is the SHA-256 of its canonical form, and
    ``signature`` an Ed25519 signature over ``statement``, the canonical JSON that names what
    was signed (see ``signing``).
    """

    __tablename__ = "evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("product_version.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
    rulebook: Mapped[str] = mapped_column(String(64))
    rulebook_version: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
    overall: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, object]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signing_key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_key.id"),
                                                       nullable=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    statement: Mapped[str | None] = mapped_column(Text, nullable=True)  # the signed text

    version: Mapped[ProductVersion] = relationship()


class Listing(Base):
    """A product version on a rulebook version's approved-products list, and its removal."""

    __tablename__ = "listing"
    __table_args__ = (UniqueConstraint("rulebook", "rulebook_version", "version_id",
                                       "listed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rulebook: Mapped[str] = mapped_column(String(64))
    rulebook_version: Mapped[str] = mapped_column(String(64))
    version_id: Mapped[int] = mapped_column(ForeignKey("product_version.id"), index=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"))
    listed_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    removal_reason: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    version: Mapped[ProductVersion] = relationship()
