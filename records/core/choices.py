"""The closed lists of values the tables and the input models share (no database layer here,
so the input models in ``records.*.inputs`` can use them; ``records.core.models`` re-exports them).
"""

from __future__ import annotations

import enum


class AgencyLevel(enum.StrEnum):
    FEDERAL = "federal"
    STATE = "state"
    COUNTY = "county"
    CITY = "city"
    POLICE = "police"
    COUNCIL_CLERK = "council_clerk"
    SHERIFF = "sheriff"
    JAIL = "jail"
    OTHER = "other"


class Subject(enum.StrEnum):
    AGREEMENTS = "agreements"
    FORFEITURE = "forfeiture"
    COMMUNICATIONS = "communications"
    OTHER = "other"


SUBJECT_LABELS = {
    Subject.AGREEMENTS: "ICE agreements",
    Subject.FORFEITURE: "Forfeiture distributions",
    Subject.COMMUNICATIONS: "Communications",
    Subject.OTHER: "Other",
}


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    ORGANIZATION = "organization"
    PUBLIC = "public"
