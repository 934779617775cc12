"""The law library: every entry loads, cites its numbers, and all 52 jurisdictions are present."""

from datetime import date
from importlib import resources

import holidays
import pytest

from records.calendars import closure_days
from records.deadlines import compute_summary
from records.laws import LawDataError, UnknownLawError, get_law, law_codes, load_laws, parse_law
from records.laws.model import ExtraDay

STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]
EXPECTED = {"US", "DC", *STATES}


def data_files() -> list[str]:
    folder = resources.files("records.laws").joinpath("data")
    return sorted(e.name for e in folder.iterdir() if e.name.endswith(".toml"))


def test_state_list_is_fifty() -> None:
    assert len(set(STATES)) == 50


def test_every_file_loads() -> None:
    laws = load_laws()
    assert sorted(f"{code}.toml" for code in laws) == data_files()


def test_all_52_jurisdictions_present() -> None:
    # Fails until every state, DC and the federal entry are in data/.
    missing = sorted(EXPECTED - set(law_codes()))
    extra = sorted(set(law_codes()) - EXPECTED)
    assert not missing, f"missing law entries: {missing}"
    assert not extra, f"unexpected law entries: {extra}"
    assert len(law_codes()) == 52


@pytest.mark.parametrize("code", law_codes())
def test_every_period_has_a_citation(code: str) -> None:
    law = get_law(code)
    for clock, period in law.periods.items():
        assert period.source.citation.strip(), f"{code} [periods.{clock}] has no citation"
        if period.fixed:
            assert period.unit in ("business", "calendar")
            assert period.count is not None and period.count >= 0
    assert law.appeal.source.citation.strip()
    if law.appeal.period is not None:
        assert law.appeal.period.source.citation.strip()
    for comp in law.components.values():
        assert comp.appeal.source.citation.strip()
    assert law.calendar.source.citation.strip()
    assert law.roll_forward_source.citation.strip()


@pytest.mark.parametrize("code", law_codes())
def test_closure_day_names_exist_in_the_holidays_package(code: str) -> None:
    # A misspelt name would silently drop a closure and make every deadline too early.
    # Each name must exist in the category it is looked up in (public unless overridden).
    law = get_law(code)
    unknown = []
    for name in law.calendar.closure_days:
        category = law.calendar.category_of(name)
        package = holidays.US(
            subdiv=law.calendar.subdiv, years=range(2020, 2032), categories=(category,)
        )
        labels = {n for names in package.values() for n in names.split("; ")}
        if name not in labels | {n.removesuffix(" (observed)") for n in labels}:
            unknown.append(f"{name} ({category})")
    assert not unknown, f"{code}: closure days not in the holidays package: {unknown}"


@pytest.mark.parametrize("code", law_codes())
def test_every_entry_computes(code: str) -> None:
    law = get_law(code)
    assert closure_days(law, 2027)
    summary = compute_summary(code, date(2026, 11, 20))
    assert summary["law"] == code
    fixed = law.periods["response"].fixed
    assert (summary["response_due"] is not None) == fixed


def test_unknown_code() -> None:
    with pytest.raises(UnknownLawError):
        get_law("ZZ")


def minimal(**overrides: object) -> dict:
    """A smallest valid entry, to test the loader's checks one at a time."""
    data: dict = {
        "code": "ZZ",
        "jurisdiction": "Test",
        "name": "Test Act",
        "citation": "Test Code § 1",
        "last_checked": date(2026, 1, 1),
        "roll_forward_citation": "Test Code § 2",
        "who_may_request": {"text": "Anyone", "citation": "§ 3"},
        "fees": {"text": "Copies", "citation": "§ 4"},
        "fee_waiver": {"text": "None", "citation": "§ 5"},
        "silence": {"text": "Nothing", "citation": "§ 6"},
        "appeal": {"available": False, "citation": "§ 7"},
        "periods": {"response": {"count": 5, "unit": "business", "citation": "§ 8"}},
        "calendar": {"closure_days": ["New Year's Day"], "citation": "§ 9"},
    }
    data.update(overrides)
    return data


def test_loader_accepts_extra_dates_and_rules() -> None:
    cal = {
        "closure_days": [],
        "citation": "§ 9",
        "extra": [
            {"date": "02-12", "name": "Lincoln's Birthday"},
            {"rule": "thanksgiving+1", "name": "Day after Thanksgiving"},
            {"rule": "election-day", "name": "Election Day", "years": "even"},
        ],
    }
    law = parse_law(minimal(calendar=cal), "ZZ.toml")
    assert law.calendar.extra == (
        ExtraDay(name="Lincoln's Birthday", date="02-12"),
        ExtraDay(name="Day after Thanksgiving", rule="thanksgiving+1"),
        ExtraDay(name="Election Day", rule="election-day", years="even"),
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"name": "X"}, "exactly one of"),
        ({"name": "X", "date": "02-12", "rule": "election-day"}, "exactly one of"),
        ({"name": "X", "date": "13-01"}, "is not MM-DD"),
        ({"name": "X", "rule": "easter+1"}, "rule 'easter\\+1'"),
        ({"name": "X", "rule": "election-day", "years": "leap"}, "years 'leap'"),
        ({"date": "02-12"}, "missing required field 'name'"),
    ],
)
def test_loader_rejects_bad_extra(extra: dict, message: str) -> None:
    cal = {"closure_days": [], "citation": "§ 9", "extra": [extra]}
    with pytest.raises(LawDataError, match=message):
        parse_law(minimal(calendar=cal), "ZZ.toml")


def test_loader_rejects_unknown_runs_from_and_missing_citation() -> None:
    periods = {"response": {"count": 5, "unit": "business", "citation": "§", "runs_from": "mail"}}
    with pytest.raises(LawDataError, match="runs_from 'mail'"):
        parse_law(minimal(periods=periods), "ZZ.toml")
    with pytest.raises(LawDataError, match="missing required field 'citation'"):
        parse_law(minimal(periods={"response": {"count": 5, "unit": "business"}}), "ZZ.toml")


def test_loader_reads_observed_rules_and_categories() -> None:
    cal = {
        "closure_days": ["Good Friday"],
        "citation": "§ 9",
        "observed": "sunday_only",
        "categories": {"Good Friday": "unofficial"},
        "extra": [{"date": "02-12", "name": "X", "observed": True}],
    }
    law = parse_law(minimal(calendar=cal), "ZZ.toml")
    assert law.calendar.observed == "sunday_only"
    assert law.calendar.category_of("Good Friday") == "unofficial"
    assert law.calendar.category_of("New Year's Day") == "public"
    assert law.calendar.extra[0].observed == "all"
    plain = parse_law(minimal(), "ZZ.toml").calendar
    assert plain.observed == "all" and plain.categories == ()
    assert parse_law(minimal(calendar={**cal, "observed": False}), "ZZ.toml").calendar.observed == (
        "none"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"observed": "saturday_only"}, "observed 'saturday_only'"),
        ({"categories": {"Good Friday": "federal"}}, "category 'federal'"),
        ({"categories": {"Easter": "unofficial"}}, "not a closure day"),
    ],
)
def test_loader_rejects_bad_calendar(change: dict, message: str) -> None:
    cal = {"closure_days": ["Good Friday"], "citation": "§ 9", **change}
    with pytest.raises(LawDataError, match=message):
        parse_law(minimal(calendar=cal), "ZZ.toml")


def test_loader_reads_tolling() -> None:
    tolling = {"information_limit": 1, "fees": True, "citation": "§ 10"}
    law = parse_law(minimal(tolling=tolling), "ZZ.toml")
    assert law.tolling is not None and law.tolling.information_limit == 1
    with pytest.raises(LawDataError, match="information_limit"):
        parse_law(minimal(tolling={"information_limit": -1, "citation": "§"}), "ZZ.toml")


def test_federal_components_carry_their_fee_waiver_and_expedite_regulations() -> None:
    us = get_law("US")
    dhs, doj = us.components["DHS"], us.components["DOJ"]
    assert dhs.fee_waiver is not None and dhs.fee_waiver.source.citation == "6 C.F.R. § 5.11(k)"
    assert dhs.expedite is not None and dhs.expedite.source.citation == "6 C.F.R. § 5.5(e)"
    assert doj.fee_waiver is not None and doj.fee_waiver.source.citation == "28 C.F.R. § 16.10(k)"
    assert doj.expedite is not None and doj.expedite.source.citation == "28 C.F.R. § 16.5(e)"


def test_loader_reads_component_provisions_and_rejects_a_missing_citation() -> None:
    comp = {
        "name": "Test Department",
        "appeal": {"available": False, "citation": "§ 11"},
        "expedite": {"text": "compelling need", "citation": "§ 12"},
    }
    law = parse_law(minimal(components={"TD": comp}), "ZZ.toml")
    assert law.components["TD"].expedite is not None
    assert law.components["TD"].fee_waiver is None
    bad = {**comp, "fee_waiver": {"text": "public interest"}}
    with pytest.raises(LawDataError, match=r"components.TD.fee_waiver.*citation"):
        parse_law(minimal(components={"TD": bad}), "ZZ.toml")


@pytest.mark.parametrize(
    ("earlier_of", "message"),
    [
        ([{"count": 60, "unit": "weeks"}], "unit must be"),
        ([{"count": -1, "unit": "calendar"}], "non-negative integer count"),
    ],
)
def test_loader_rejects_bad_earlier_of(earlier_of: list, message: str) -> None:
    period = {"count": 30, "unit": "business", "citation": "§ 8", "earlier_of": earlier_of}
    with pytest.raises(LawDataError, match=message):
        parse_law(minimal(periods={"response": period}), "ZZ.toml")


def test_loader_reads_earlier_of_and_acknowledgment_start() -> None:
    period = {
        "count": 30,
        "unit": "business",
        "citation": "§ 8",
        "runs_from": "acknowledgment",
        "earlier_of": [{"count": 60, "unit": "calendar"}],
    }
    law = parse_law(minimal(periods={"response": period}), "ZZ.toml")
    assert law.periods["response"].earlier_of == ((60, "calendar"),)
    assert law.periods["response"].runs_from == "acknowledgment"
