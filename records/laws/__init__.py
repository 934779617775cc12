"""The law library: one reviewed TOML entry per jurisdiction, loaded into typed values.

``load_laws()`` reads and validates every file in ``data/`` once; ``get_law(code)`` looks one up.
A malformed entry raises ``LawDataError`` naming the file and the field, so a bad edit fails tests.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from records.laws.model import (
    ANSWER_KINDS,
    CATEGORIES,
    CHANNELS,
    CLOCKS,
    EXTRA_RULES,
    EXTRA_YEARS,
    LATE_RECEIPT,
    NTH_WEEKDAY_RE,
    OBSERVED_RULES,
    Appeal,
    AppealOffice,
    Calendar,
    Component,
    ExtraDay,
    Law,
    LawVersion,
    Period,
    Provision,
    Receipt,
    Source,
    Tolling,
)

__all__ = ["Law", "LawDataError", "UnknownLawError", "get_law", "load_laws", "law_codes"]

UNITS = {"business", "calendar", "none"}
ROLL_FORWARD = {"next_business_day", "none", "not_specified"}
# What a period may be counted from; the deadline engine knows each of these. "request_date"
# is for laws that count from the date of the request rather than its receipt.
# "acknowledgment" is for laws whose clock starts when the agency acknowledges the request.
RUNS_FROM = {
    "receipt",
    "request_date",
    "acknowledgment",
    "response_due",
    "determination",
    "appeal_receipt",
}


class LawDataError(ValueError):
    """A law-library file is malformed."""


class UnknownLawError(KeyError):
    """No law-library entry has this code."""

    def __str__(self) -> str:
        return f"unknown law code {self.args[0]!r}; known codes: {', '.join(law_codes())}"


def _req(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in ("", None):
        raise LawDataError(f"{where}: missing required field {key!r}")
    return data[key]


def _source(data: dict[str, Any], where: str) -> Source:
    checked = data.get("checked_on")
    if checked is not None and not isinstance(checked, date):
        raise LawDataError(f"{where}: checked_on must be a TOML date (e.g. 2026-12-01)")
    unverified = data.get("unverified", "")
    if unverified and checked is None:
        raise LawDataError(f"{where}: unverified needs checked_on, the day the text was read")
    return Source(
        citation=_req(data, "citation", where),
        url=data.get("url") or None,
        checked_on=checked,
        read_at=data.get("read_at") or None,
        unverified=unverified,
    )


def _period(data: dict[str, Any], where: str) -> Period:
    unit = _req(data, "unit", where)
    if unit not in UNITS:
        raise LawDataError(f"{where}: unit {unit!r} is not one of {sorted(UNITS)}")
    count = data.get("count")
    if unit != "none" and (not isinstance(count, int) or count < 0):
        raise LawDataError(f"{where}: a {unit}-day period needs a non-negative integer count")
    if unit == "none" and not data.get("text"):
        raise LawDataError(f"{where}: a period with no fixed length must quote the law's words")
    runs_from = data.get("runs_from", "receipt")
    if runs_from not in RUNS_FROM:
        raise LawDataError(f"{where}: runs_from {runs_from!r} is not one of {sorted(RUNS_FROM)}")
    earlier: list[tuple[int, Any]] = []
    for i, alt in enumerate(data.get("earlier_of", [])):
        alt_where = f"{where} earlier_of[{i}]"
        if unit == "none":
            raise LawDataError(f"{alt_where}: a period with no fixed length has no alternatives")
        if alt.get("unit") not in ("business", "calendar"):
            raise LawDataError(f"{alt_where}: unit must be 'business' or 'calendar'")
        if not isinstance(alt.get("count"), int) or alt["count"] < 0:
            raise LawDataError(f"{alt_where}: needs a non-negative integer count")
        earlier.append((alt["count"], alt["unit"]))
    answered_by = tuple(data.get("answered_by", ()))
    for kind in answered_by:
        if kind not in ANSWER_KINDS:
            raise LawDataError(f"{where}: answered_by {kind!r} is not one of {list(ANSWER_KINDS)}")
    return Period(
        unit=unit,
        count=count if unit != "none" else None,
        runs_from=runs_from,
        text=data.get("text", ""),
        note=data.get("note", ""),
        research=data.get("research", ""),
        condition=data.get("condition", ""),
        answered_by=answered_by,
        source=_source(data, where),
        earlier_of=tuple(earlier),
    )


def _appeal(data: dict[str, Any], where: str) -> Appeal:
    available = bool(_req(data, "available", where)) if "available" in data else False
    period = _period(data, where) if available and "unit" in data else None
    silent = data.get("no_response")
    if silent is not None and not available:
        raise LawDataError(f"{where}: no_response needs an available appeal")
    return Appeal(
        available=available,
        to_whom=data.get("to_whom", ""),
        period=period,
        note=data.get("note", ""),
        research=data.get("research", ""),
        no_response=_period(silent, f"{where[:-1]}.no_response]") if silent else None,
        source=_source(data, where),
        letter_to_whom=data.get("letter_to_whom", ""),
        offices=tuple(
            _appeal_office(o, f"{where} offices[{i}]")
            for i, o in enumerate(data.get("offices", []))
        ),
    )


def _appeal_office(data: dict[str, Any], where: str) -> AppealOffice:
    return AppealOffice(
        name=_req(data, "name", where),
        address=data.get("address", ""),
        email=data.get("email", ""),
        attention=data.get("attention", ""),
        for_agency=data.get("for_agency", ""),
        source=data.get("source", ""),
        unverified=data.get("unverified", ""),
    )


def _provision(data: dict[str, Any], where: str) -> Provision:
    return Provision(
        text=_req(data, "text", where),
        source=_source(data, where),
        research=data.get("research", ""),
    )


def _observed(value: Any, default: str, where: str) -> Any:
    """``observed`` as a rule name; TOML ``true``/``false`` mean "all"/"none"."""
    if value is None:
        return default
    if isinstance(value, bool):
        return "all" if value else "none"
    if value not in OBSERVED_RULES:
        raise LawDataError(
            f"{where}: observed {value!r} is not true, false or one of {list(OBSERVED_RULES)}"
        )
    return value


def _extra_day(data: dict[str, Any], where: str) -> ExtraDay:
    name = _req(data, "name", where)
    fixed, rule = data.get("date"), data.get("rule")
    if (fixed is None) == (rule is None):
        raise LawDataError(f'{where}: give exactly one of date = "MM-DD" or rule')
    if fixed is not None:
        try:
            month, day = (int(part) for part in str(fixed).split("-"))
            date(2000, month, day)  # a leap year, so 02-29 is accepted
        except ValueError:
            raise LawDataError(f"{where}: date {fixed!r} is not MM-DD") from None
    if rule is not None and rule not in EXTRA_RULES and not re.match(NTH_WEEKDAY_RE, rule):
        raise LawDataError(
            f"{where}: rule {rule!r} is not one of {list(EXTRA_RULES)} "
            'or "nth-weekday:MM:N:DAY" (e.g. "nth-weekday:09:4:fri")'
        )
    years = data.get("years", "all")
    if years not in EXTRA_YEARS:
        raise LawDataError(f"{where}: years {years!r} is not one of {list(EXTRA_YEARS)}")
    return ExtraDay(
        name=name,
        date=fixed,
        rule=rule,
        years=years,
        observed=_observed(data.get("observed"), "none", where),
        note=data.get("note", ""),
        research=data.get("research", ""),
    )


def _categories(data: dict[str, Any], names: tuple[str, ...], where: str) -> tuple:
    for name, category in data.items():
        if name not in names:
            raise LawDataError(f"{where}: categories names {name!r}, which is not a closure day")
        if category not in CATEGORIES:
            raise LawDataError(f"{where}: category {category!r} is not one of {list(CATEGORIES)}")
    return tuple(sorted(data.items()))


def _calendar(cal: dict[str, Any], where: str) -> Calendar:
    extra = cal.get("extra", [])
    names = tuple(_req(cal, "closure_days", where))
    return Calendar(
        closure_days=names,
        subdiv=cal.get("subdiv"),
        extra=tuple(_extra_day(e, f"{where} extra[{i}]") for i, e in enumerate(extra)),
        observed=_observed(cal.get("observed"), "all", where),
        categories=_categories(cal.get("categories", {}), names, where),
        note=cal.get("note", ""),
        research=cal.get("research", ""),
        text=cal.get("text", ""),
        source=_source(cal, where),
        **_office_closures(cal.get("office_closures"), where),
    )


def _office_closures(data: dict[str, Any] | None, where: str) -> dict[str, Any]:
    """``[calendar.office_closures]``: the law counts only days the office is open."""
    if data is None:
        return {}
    where = f"{where[:-1]}.office_closures]"
    return {
        "office_closures": bool(data.get("counted", True)),
        "office_closures_text": _req(data, "text", where),
        "office_closures_source": _source(data, where),
    }


def _tolling(data: dict[str, Any] | None, where: str) -> Tolling | None:
    if data is None:
        return None
    limit = data.get("information_limit")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise LawDataError(f"{where}: information_limit must be a non-negative integer")
    return Tolling(
        allowed=bool(data.get("allowed", True)),
        information_limit=limit,
        fees=bool(data.get("fees", True)),
        text=data.get("text", ""),
        note=data.get("note", ""),
        research=data.get("research", ""),
        source=_source(data, where),
    )


def _channels(data: dict[str, Any], key: str, default: tuple[str, ...], where: str) -> tuple:
    value = data.get(key, default)
    if not isinstance(value, list | tuple) or any(c not in CHANNELS for c in value):
        raise LawDataError(f"{where}: {key} must list channels from {list(CHANNELS)}")
    return tuple(value)


def _receipt(data: dict[str, Any] | None, where: str) -> Receipt | None:
    if data is None:
        return None
    days = data.get("electronic_business_days", 0)
    if not isinstance(days, int) or days < 0:
        raise LawDataError(f"{where}: electronic_business_days must be a non-negative integer")
    late: dict[str, Any] = {}
    for key in ("closed_day", "after_hours"):
        value = data.get(key, "same_day")
        if value not in LATE_RECEIPT:
            raise LawDataError(f"{where}: {key} {value!r} is not one of {list(LATE_RECEIPT)}")
        late[key] = value
    actual = _channels(data, "actual_receipt", (), where)
    if not days and not actual and set(late.values()) == {"same_day"}:
        raise LawDataError(
            f"{where}: a receipt rule sets electronic_business_days, actual_receipt, "
            "closed_day or after_hours"
        )
    return Receipt(
        electronic_business_days=days,
        delayed_channels=_channels(data, "delayed_channels", ("email", "portal", "fax"), where),
        actual_receipt=actual,
        **late,
        text=_req(data, "text", where),
        note=data.get("note", ""),
        research=data.get("research", ""),
        source=_source(data, where),
    )


def _component(code: str, data: dict[str, Any], where: str) -> Component:
    optional = {
        key: _provision(data[key], f"{where[:-1]}.{key}]")
        for key in ("fee_waiver", "expedite")
        if key in data
    }
    return Component(
        code=code,
        name=_req(data, "name", where),
        appeal=_appeal(_req(data, "appeal", where), f"{where[:-1]}.appeal]"),
        inauguration_day=bool(data.get("inauguration_day", False)),
        **optional,
    )


def parse_law(data: dict[str, Any], filename: str) -> Law:
    """Validate one parsed TOML document and build a ``Law``."""
    code = _req(data, "code", filename)
    periods: dict[str, Period] = {}
    for clock, pdata in data.get("periods", {}).items():
        if clock not in CLOCKS:
            raise LawDataError(f"{filename}: unknown clock {clock!r}; use one of {CLOCKS}")
        periods[clock] = _period(pdata, f"{filename} [periods.{clock}]")
    if "response" not in periods:
        raise LawDataError(f"{filename}: [periods.response] is required")
    last_checked = _req(data, "last_checked", filename)
    if not isinstance(last_checked, date):
        raise LawDataError(f"{filename}: last_checked must be a TOML date")
    roll = data.get("roll_forward", "not_specified")
    if roll not in ROLL_FORWARD:
        raise LawDataError(
            f"{filename}: roll_forward {roll!r} is not one of {sorted(ROLL_FORWARD)}"
        )
    calendar = _calendar(_req(data, "calendar", filename), f"{filename} [calendar]")
    in_force_from = data.get("in_force_from")
    if in_force_from is not None and not isinstance(in_force_from, date):
        raise LawDataError(f"{filename}: in_force_from must be a TOML date")
    versions = _versions(data.get("versions", []), periods, filename, in_force_from)
    components = {
        ccode: _component(ccode, cdata, f"{filename} [components.{ccode}]")
        for ccode, cdata in data.get("components", {}).items()
    }
    return Law(
        code=code,
        jurisdiction=_req(data, "jurisdiction", filename),
        name=_req(data, "name", filename),
        citation=_req(data, "citation", filename),
        source=_source(data, filename),
        last_checked=last_checked,
        periods=periods,
        appeal=_appeal(_req(data, "appeal", filename), f"{filename} [appeal]"),
        roll_forward=roll,
        roll_forward_source=_source(
            {
                "citation": _req(data, "roll_forward_citation", filename),
                "url": data.get("roll_forward_url"),
                "checked_on": data.get("roll_forward_checked_on"),
                "read_at": data.get("roll_forward_read_at"),
                "unverified": data.get("roll_forward_unverified", ""),
            },
            f"{filename} roll_forward",
        ),
        who_may_request=_provision(_req(data, "who_may_request", filename), filename),
        residents_only=bool(data.get("residents_only", False)),
        fees=_provision(_req(data, "fees", filename), f"{filename} [fees]"),
        fee_waiver=_provision(_req(data, "fee_waiver", filename), f"{filename} [fee_waiver]"),
        silence=_provision(_req(data, "silence", filename), f"{filename} [silence]"),
        calendar=calendar,
        exemptions_citation=data.get("exemptions_citation", ""),
        follow_up_business_days=int(data.get("follow_up_business_days", 10)),
        components=components,
        notes=data.get("notes", ""),
        research=data.get("research", ""),
        tolling=_tolling(data.get("tolling"), f"{filename} [tolling]"),
        receipt=_receipt(data.get("receipt"), f"{filename} [receipt]"),
        in_force_from=in_force_from,
        version=data.get("version", ""),
        version_source=(
            _source(data["version_source"], f"{filename} [version_source]")
            if "version_source" in data
            else None
        ),
        versions=versions,
    )


def _versions(
    items: list[dict[str, Any]],
    current: dict[str, Period],
    filename: str,
    in_force_from: date | None,
) -> tuple[LawVersion, ...]:
    """The entry's other dated versions, checked to cover separate stretches of time."""
    if items and in_force_from is None:
        raise LawDataError(f"{filename}: [[versions]] needs in_force_from for the current text")
    out: list[LawVersion] = []
    for i, item in enumerate(items):
        where = f"{filename} [[versions]][{i}]"
        start, until = item.get("in_force_from"), item.get("in_force_until")
        for key, value in (("in_force_from", start), ("in_force_until", until)):
            if value is not None and not isinstance(value, date):
                raise LawDataError(f"{where}: {key} must be a TOML date")
        if until is None:
            raise LawDataError(f"{where}: in_force_until (the last day in force) is required")
        if start is not None and start > until:
            raise LawDataError(f"{where}: in_force_from is after in_force_until")
        periods = {}
        for clock, pdata in item.get("periods", {}).items():
            if clock not in CLOCKS:
                raise LawDataError(f"{where}: unknown clock {clock!r}; use one of {CLOCKS}")
            periods[clock] = _period(pdata, f"{where} [periods.{clock}]")
        without = tuple(item.get("without", ()))
        for clock in without:
            if clock not in current or clock == "response":
                raise LawDataError(f"{where}: without names {clock!r}, not a removable clock")
        out.append(
            LawVersion(
                label=_req(item, "label", where),
                in_force_from=start,
                in_force_until=until,
                periods=periods,
                without=without,
                appeal=_appeal(item["appeal"], f"{where} [appeal]") if "appeal" in item else None,
                text=item.get("text", ""),
                note=item.get("note", ""),
                research=item.get("research", ""),
                source=_source(item, where),
            )
        )
    out.sort(key=lambda v: v.in_force_until or date.max)
    previous_end: date | None = None
    for v in out:
        if previous_end is not None and (
            v.in_force_from is None or v.in_force_from <= previous_end
        ):
            raise LawDataError(f"{filename}: versions {v.label!r} overlaps the one before it")
        previous_end = v.in_force_until
    if previous_end is not None and in_force_from is not None and previous_end >= in_force_from:
        raise LawDataError(f"{filename}: a version is still in force on in_force_from")
    return tuple(out)


@cache
def load_laws() -> dict[str, Law]:
    """Every law entry keyed by code ("US", "AL", ..., "DC"), parsed once per process."""
    laws: dict[str, Law] = {}
    for entry in sorted(resources.files("records.laws").joinpath("data").iterdir(), key=str):
        if not entry.name.endswith(".toml"):
            continue
        try:
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise LawDataError(f"{entry.name}: {exc}") from exc
        law = parse_law(data, entry.name)
        if f"{law.code}.toml" != entry.name:
            raise LawDataError(f"{entry.name}: code {law.code!r} does not match the file name")
        laws[law.code] = law
    return laws


def law_codes() -> list[str]:
    """Codes of every loaded law entry, sorted."""
    return sorted(load_laws())


def get_law(code: str) -> Law:
    """The law entry for ``code`` (case-insensitive) or ``UnknownLawError``."""
    try:
        return load_laws()[code.strip().upper()]
    except KeyError:
        raise UnknownLawError(code) from None
