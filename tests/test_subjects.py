"""The subject library: coverage of the record types, holders, variables and validation."""

from __future__ import annotations

import pytest

from records.subjects import (
    AGENCY_KINDS,
    SubjectDataError,
    UnknownItemError,
    UnknownSubjectError,
    get_subject,
    load_subjects,
    load_variables,
    parse_subject,
)

EXPECTED_ITEMS = {
    "agreements": {
        "moa_287g",
        "application_287g",
        "steering_committee",
        "training_designation",
        "reports_to_ice",
        "title19_hsi",
        "secure_communities",
        "igsa_detention",
        "data_access",
        "governing_body",
    },
    "forfeiture": {
        "esac",
        "dag71",
        "td_f_92_22_46",
        "payments_received",
        "ledgers_budgets",
        "sharing_clauses",
        "federal_payments",
        "compliance",
    },
    "communications": {
        "emails_ice",
        "detainers_i247a",
        "warrants_i200_i205",
        "release_notifications",
        "booking_data_shared",
        "ice_access_visits",
        "policies_training",
        "federal_detainers",
    },
}


def test_the_three_subjects_cover_the_expected_record_types() -> None:
    subjects = load_subjects()
    assert set(subjects) == set(EXPECTED_ITEMS)
    for key, items in EXPECTED_ITEMS.items():
        assert set(subjects[key].items) == items


@pytest.mark.parametrize("key", sorted(EXPECTED_ITEMS))
def test_items_are_complete_and_federal_offices_have_their_own_wording(key: str) -> None:
    known = load_variables()
    subject = get_subject(key)
    assert subject.items_for("federal"), "each subject has something to ask a federal office"
    for item in subject.items.values():
        assert item.label and item.description
        assert set(item.holders) <= set(AGENCY_KINDS)
        assert set(item.variables) <= set(known)
        assert item.uses(False) <= set(item.variables)
        if item.held_by("federal"):
            assert "your agency" not in " ".join(
                part for para in item.template_for(True).paragraphs for part in para[::2]
            )


def test_wording_names_the_real_programs_and_forms() -> None:
    words = {
        (s.key, i.key): " ".join(p for para in i.wording.paragraphs for p in para[::2])
        for s in load_subjects().values()
        for i in s.items.values()
    }
    assert "8 U.S.C. § 1357(g)" in words[("agreements", "moa_287g")]
    assert "Title 19" in words[("agreements", "title19_hsi")]
    assert "Intergovernmental Service Agreement" in words[("agreements", "igsa_detention")]
    assert "DAG-71" in words[("forfeiture", "dag71")]
    assert "TD F 92-22.46" in words[("forfeiture", "td_f_92_22_46")]
    assert "I-247A" in words[("communications", "detainers_i247a")]
    assert "I-200" in words[("communications", "warrants_i200_i205")]
    assert "I-205" in words[("communications", "warrants_i200_i205")]


def test_program_and_domain_defaults() -> None:
    variables = load_variables()
    program = variables["program"].default or ""
    for model in ("Jail Enforcement Model", "Task Force Model", "Warrant Service Officer"):
        assert model in program
    assert variables["email_domains"].default == "ice.dhs.gov, dhs.gov"
    assert variables["date_from"].default is None  # the requester must choose it
    assert variables["local_agency"].default is None


def test_unknown_subject_and_item_list_valid_choices() -> None:
    with pytest.raises(UnknownSubjectError, match="agreements"):
        get_subject("nope")
    with pytest.raises(UnknownItemError, match="esac"):
        get_subject("forfeiture").item("nope")


def _subject(**item: object) -> dict[str, object]:
    base = {
        "key": "x",
        "label": "X",
        "description": "d",
        "holders": ["police"],
        "variables": ["date_from"],
        "wording": "All records from {{ date_from }}.",
    }
    base.update(item)
    return {"key": "t", "label": "T", "description": "d", "items": [base]}


def test_valid_subject_parses() -> None:
    subject = parse_subject(_subject(), "t.toml")
    assert subject.item("x").uses(False) == {"date_from"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"wording": "All {{ date_to }}."}, "date_to"),
        ({"wording": "All {{ config.SECRET_KEY }}."}, "config.SECRET_KEY"),
        ({"wording": "All {% import os %}."}, "malformed"),
        ({"holders": ["mayor"]}, "mayor"),
        ({"variables": ["nope"]}, "nope"),
        ({"holders": ["federal"]}, "wording_federal"),
    ],
)
def test_bad_subject_data_is_rejected_with_the_item_named(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(SubjectDataError, match=message) as err:
        parse_subject(_subject(**change), "t.toml")
    assert "'x'" in str(err.value)
