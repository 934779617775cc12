"""The law library: every entry loads, cites its numbers, and all 52 jurisdictions are present."""

import re
from collections.abc import Iterator
from datetime import date
from importlib import resources

import holidays
import pytest

from records.deadlines.engine import compute_summary
from records.laws import LawDataError, UnknownLawError, get_law, law_codes, load_laws, parse_law
from records.laws.calendars import closure_days
from records.laws.model import ANSWER_KINDS, ExtraDay, Law, Period

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


# --- Every number quoted and sourced; notes for users, research for maintainers -------------

# Words of the research process: they belong in ``research`` fields, never in what users read.
MAINTAINER_WORDS = re.compile(
    r"this review|copy read|text read|in the text|was not displayed|re-read|re-verif|as understood"
    r"|as recalled|this entry|holidays package|the package|package's|holiday data|modell?ed"
    r"|cut off|earlier entry|unverified|\bverify\b|not confirmed|not verified|confirm before"
    r"|not opened|not retrieved|reviewed 20\d\d|re-checked|confirmed from|https?://|law library",
    re.I,
)


def numbers(law: Law) -> Iterator[tuple[str, Period]]:
    """Every period of ``law`` that carries a number of days, with where it is."""
    for clock, period in law.periods.items():
        yield f"periods.{clock}", period
    if law.appeal.period is not None:
        yield "appeal", law.appeal.period
    if law.appeal.no_response is not None:
        yield "appeal.no_response", law.appeal.no_response
    for code, comp in law.components.items():
        if comp.appeal.period is not None:
            yield f"components.{code}.appeal", comp.appeal.period


def user_text(law: Law) -> Iterator[tuple[str, str]]:
    """Every piece of an entry that the law page, the calculator or a clock shows to users."""
    yield "notes", law.notes
    yield "citation", law.citation
    yield "roll_forward_citation", law.roll_forward_source.citation
    for where, period in numbers(law):
        yield f"{where}.note", period.note
        yield f"{where}.condition", period.condition
        yield f"{where}.citation", period.source.citation
    yield "appeal.note", law.appeal.note
    yield "appeal.to_whom", law.appeal.to_whom
    yield "appeal.citation", law.appeal.source.citation
    for code, comp in law.components.items():
        yield f"components.{code}.appeal.note", comp.appeal.note
        for provision in (comp.fee_waiver, comp.expedite):
            if provision is not None:
                yield f"components.{code}", provision.text
    for name in ("who_may_request", "fees", "fee_waiver", "silence"):
        provision = getattr(law, name)
        yield name, provision.text
        yield f"{name}.citation", provision.source.citation
    yield "calendar.note", law.calendar.note
    yield "calendar.citation", law.calendar.source.citation
    for extra in law.calendar.extra:
        yield f"calendar.extra {extra.name}", extra.name + " " + extra.note
    if law.tolling is not None:
        yield "tolling.note", law.tolling.note
    if law.receipt is not None:
        yield "receipt.note", law.receipt.note
    for version in law.versions:
        yield f"versions {version.label}", f"{version.label} {version.note}"
        yield f"versions {version.label}.citation", version.source.citation
        for clock, period in version.periods.items():
            yield f"versions {version.label}.{clock}.note", period.note


@pytest.mark.parametrize("code", law_codes())
def test_every_number_has_a_quote_and_a_source(code: str) -> None:
    law = get_law(code)
    for where, period in numbers(law):
        if not period.fixed:
            continue
        assert period.text.strip(), f"{code} [{where}]: {period.count} days without the law's words"
        assert period.source.citation.strip(), f"{code} [{where}]: no citation"
        # The item's own official link, or the entry's, where the quoted section can be read.
        assert period.source.url or law.source.url, f"{code} [{where}]: no URL"
    if law.tolling is not None and law.tolling.information_limit is not None:
        assert law.tolling.text and law.tolling.source.citation, f"{code} [tolling]"
    if law.receipt is not None:
        assert law.receipt.text and law.receipt.source.citation, f"{code} [receipt]"


@pytest.mark.parametrize("code", law_codes())
def test_checked_sources_say_when_and_where(code: str) -> None:
    law = get_law(code)
    sources = [period.source for _, period in numbers(law)]
    sources += [law.calendar.source, law.silence.source, law.who_may_request.source]
    sources += [law.roll_forward_source] + ([law.receipt.source] if law.receipt else [])
    sources += [v.source for v in law.versions] + [
        p.source for v in law.versions for p in v.periods.values()
    ]
    if law.calendar.office_closures_source is not None:
        sources.append(law.calendar.office_closures_source)
    for source in sources:
        if source.checked_on is not None:
            assert source.checked_on <= date(2026, 12, 2), f"{code}: {source.citation}"
            assert source.url or source.read_at, f"{code}: checked {source.citation} where?"


@pytest.mark.parametrize("code", law_codes())
def test_users_see_no_maintainer_notes(code: str) -> None:
    law = get_law(code)
    leaks = [
        f"{where}: {found.group(0)!r}"
        for where, text in user_text(law)
        if (found := MAINTAINER_WORDS.search(text or ""))
    ]
    assert not leaks, f"{code}: move these to a research field: {leaks}"
    # The page already says there is none; a note repeating it printed it twice.
    assert not law.appeal.note.lower().startswith("no administrative appeal")


def test_answer_kinds_are_the_lifecycle_s_incoming_events() -> None:
    from records.lifecycle.service import EVENT_KINDS

    incoming = {k for k, v in EVENT_KINDS.items() if v.direction == "incoming"}
    assert set(ANSWER_KINDS) == incoming - {"appeal_acknowledged", "appeal_decided"}
    with pytest.raises(LawDataError, match="answered_by 'replied'"):
        period = {"count": 5, "unit": "business", "citation": "§", "answered_by": ["replied"]}
        parse_law(minimal(periods={"response": period}), "ZZ.toml")


def test_every_clock_has_a_key_a_label_and_a_calculator_row() -> None:
    from records.deadlines.calculator_views import LABELS
    from records.deadlines.engine import CLOCK_NAMES, SUMMARY_KEYS
    from records.lifecycle.clocks import CLOCK_LABELS

    assert sorted(SUMMARY_KEYS.values()) == sorted(CLOCK_NAMES)
    assert set(CLOCK_LABELS) == set(CLOCK_NAMES)
    assert list(LABELS) == list(SUMMARY_KEYS)


def test_loader_checks_source_dates() -> None:
    periods = {"response": {"count": 5, "unit": "business", "citation": "§", "checked_on": "x"}}
    with pytest.raises(LawDataError, match="checked_on must be a TOML date"):
        parse_law(minimal(periods=periods), "ZZ.toml")
    periods = {"response": {"count": 5, "unit": "business", "citation": "§", "unverified": "?"}}
    with pytest.raises(LawDataError, match="unverified needs checked_on"):
        parse_law(minimal(periods=periods), "ZZ.toml")
    with pytest.raises(LawDataError, match="electronic_business_days"):
        parse_law(minimal(receipt={"text": "x", "citation": "§"}), "ZZ.toml")


@pytest.mark.parametrize("code", law_codes())
def test_law_page_shows_plain_words_only(client, code: str) -> None:
    page = client.get(f"/laws/{code}").get_data(as_text=True)
    assert page.count("No administrative appeal") <= 1
    body = page[page.index("<h1>") :]
    found = MAINTAINER_WORDS.search(re.sub(r'href="[^"]*"', "", body))
    assert found is None, f"{code}: the page shows {found.group(0)!r}"


def test_law_page_says_what_was_checked_and_when(client) -> None:
    tn = client.get("/laws/TN").get_data(as_text=True)
    assert "words checked against the statute on 2026-12-01" in tn
    assert "Columbus Day" in tn and "Regular November election" in tn
    assert tn.count("No administrative appeal") == 1
    mi = client.get("/laws/MI").get_data(as_text=True)
    assert "When a request counts as received" in mi
    assert "Sent by email, portal, fax: 1 business day(s) after it is sent." in mi
    assert "Only if the failure to answer was willful and intentional" in mi
    assert "not yet matched word for word with the statute, checked 2026-12-01" in mi
