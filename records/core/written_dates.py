"""Dates as people write them in letters, emails and agreements: the month names both the mail
reader and the register's text extraction recognise."""

from __future__ import annotations

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# Lower-case month name -> month number (January is 1).
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
