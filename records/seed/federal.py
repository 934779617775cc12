"""Loader for ``federal_agencies.toml``: the federal FOIA offices, appeals offices and parents."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from records.letters.drafting import AgencyInfo

__all__ = ["FederalAgency", "federal_agencies", "get_federal_agency"]

_REQUIRED = ("key", "name", "level", "jurisdiction", "component", "kind", "source")


@dataclass(frozen=True)
class FederalAgency:
    """One federal office with its contact details and where they come from."""

    key: str
    name: str
    level: str
    jurisdiction: str
    component: str
    parent: str
    kind: str  # "foia_office", "appeals_office" or "parent"
    foia_email: str
    portal_url: str
    mailing_address: str
    phone: str
    notes: str
    source: str
    last_verified: date

    def agency_info(self) -> AgencyInfo:
        """The office as a letter addressee."""
        return AgencyInfo(
            name=self.name,
            level=self.level,
            jurisdiction=self.jurisdiction,
            mailing_address=self.mailing_address,
            email=self.foia_email,
            parent=self.parent,
            component=self.component,
        )


@cache
def federal_agencies() -> dict[str, FederalAgency]:
    """Every seeded federal office keyed by ``key``; raises ValueError on a malformed entry."""
    text = resources.files("records.seed").joinpath("federal_agencies.toml").read_text("utf-8")
    out: dict[str, FederalAgency] = {}
    for entry in tomllib.loads(text)["agency"]:
        missing = [f for f in _REQUIRED if not entry.get(f)]
        if missing or not isinstance(entry.get("last_verified"), date):
            raise ValueError(f"federal_agencies.toml {entry.get('key')!r}: bad fields {missing}")
        out[entry["key"]] = FederalAgency(**entry)
    return out


def get_federal_agency(key: str) -> FederalAgency:
    """The office ``key``; the KeyError lists the valid keys."""
    try:
        return federal_agencies()[key]
    except KeyError:
        raise KeyError(
            f"unknown federal office {key!r}; known: {sorted(federal_agencies())}"
        ) from None
