"""The subject library: what records exist on each subject, who holds them and how to ask.

Each subject is a TOML file in this package (``agreements``, ``forfeiture``, ``communications``):
a checklist of record-type items with the request wording, the agency kinds that hold the
record and the variables the wording uses (declared in ``variables.toml``). Every wording is
compiled with the letter template language when loaded, so a bad placeholder fails at once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from records.letters.template import Template, TemplateError, compile_template

__all__ = [
    "AGENCY_KINDS",
    "Item",
    "Subject",
    "SubjectDataError",
    "UnknownItemError",
    "UnknownSubjectError",
    "Variable",
    "get_subject",
    "load_subjects",
    "load_variables",
    "subject_keys",
]

AGENCY_KINDS = ("federal", "police", "sheriff", "jail", "council_clerk", "state", "county", "city")
VARIABLE_KINDS = ("date", "text", "list")


class SubjectDataError(ValueError):
    """A subject-library file is malformed."""


class UnknownSubjectError(KeyError):
    """No subject has this key."""

    def __str__(self) -> str:
        return f"unknown subject {self.args[0]!r}; valid subjects: {', '.join(subject_keys())}"


class UnknownItemError(KeyError):
    """The subject has no item with this key."""

    def __init__(self, subject: str, item: str, valid: list[str]) -> None:
        super().__init__(item)
        self.subject, self.item, self.valid = subject, item, valid

    def __str__(self) -> str:
        return (
            f"unknown item {self.item!r} for subject {self.subject!r}; "
            f"valid items: {', '.join(self.valid)}"
        )


@dataclass(frozen=True)
class Variable:
    """A value a request item's wording may use, with its fallback text."""

    key: str
    label: str
    kind: str
    default: str | None = None
    default_federal: str | None = None

    def default_for(self, federal: bool) -> str | None:
        """The fallback text for a federal or a state/local letter (None: must be given)."""
        return (self.default_federal or self.default) if federal else self.default


@dataclass(frozen=True)
class Item:
    """One record type on a subject's checklist."""

    key: str
    label: str
    description: str
    holders: tuple[str, ...]
    variables: tuple[str, ...]
    wording: Template
    wording_federal: Template | None = None
    # Federal holders only: the law-library component codes of the departments that hold the
    # record (a DAG-71 is filed with DOJ, a TD F 92-22.46 with a Treasury Forfeiture Fund
    # agency); empty means any federal office may.
    components: tuple[str, ...] = ()

    def held_by(self, kind: str, component: str = "") -> bool:
        """True when an agency of this directory level (or holder kind) holds the record.

        Directory levels are broader than holder kinds: a city's records include its police
        department's and its council clerk's, a sheriff usually runs the county jail. A federal
        office with a known component holds a record limited to other components only if the
        item names its component.
        """
        if not LEVEL_HOLDERS.get(kind, frozenset({kind})) & set(self.holders):
            return False
        if kind == "federal" and self.components and component:
            return component.upper() in self.components
        return True

    def template_for(self, federal: bool) -> Template:
        """The wording to use for a federal office or a state/local one."""
        return self.wording_federal if federal and self.wording_federal else self.wording

    def uses(self, federal: bool) -> frozenset[str]:
        """The variables the chosen wording needs."""
        return self.template_for(federal).names


LEVEL_HOLDERS: dict[str, frozenset[str]] = {
    "federal": frozenset({"federal"}),
    "state": frozenset({"state"}),
    "county": frozenset({"county", "council_clerk"}),
    "city": frozenset({"city", "police", "council_clerk"}),
    "police": frozenset({"police"}),
    "council_clerk": frozenset({"council_clerk"}),
    "sheriff": frozenset({"sheriff", "jail"}),
    "jail": frozenset({"jail"}),
    "other": frozenset(
        {"federal", "state", "county", "city", "police", "council_clerk", "sheriff", "jail"}
    ),
}


@dataclass(frozen=True)
class Subject:
    """A subject: its label, description and item checklist in display order."""

    key: str
    label: str
    description: str
    items: dict[str, Item] = field(default_factory=dict)

    def item(self, key: str) -> Item:
        """The item ``key`` or ``UnknownItemError`` listing the valid keys."""
        try:
            return self.items[key]
        except KeyError:
            raise UnknownItemError(self.key, key, list(self.items)) from None

    def items_for(self, kind: str, component: str = "") -> list[Item]:
        """The items an agency of ``kind`` (and federal ``component``) holds, in order."""
        return [item for item in self.items.values() if item.held_by(kind, component)]


def _req(data: dict[str, Any], key: str, where: str) -> Any:
    if not data.get(key):
        raise SubjectDataError(f"{where}: missing required field {key!r}")
    return data[key]


@cache
def load_variables() -> dict[str, Variable]:
    """Every variable request wording may use, keyed by name."""
    text = resources.files("records.subjects").joinpath("variables.toml").read_text("utf-8")
    out: dict[str, Variable] = {}
    for key, data in tomllib.loads(text).items():
        kind = _req(data, "kind", f"variables.toml [{key}]")
        if kind not in VARIABLE_KINDS:
            raise SubjectDataError(f"variables.toml [{key}]: kind {kind!r} not in {VARIABLE_KINDS}")
        out[key] = Variable(
            key=key,
            label=_req(data, "label", f"variables.toml [{key}]"),
            kind=kind,
            default=data.get("default"),
            default_federal=data.get("default_federal"),
        )
    return out


def _item(data: dict[str, Any], where: str, known: dict[str, Variable]) -> Item:
    key = _req(data, "key", where)
    where = f"{where} item {key!r}"
    holders = tuple(_req(data, "holders", where))
    bad = [h for h in holders if h not in AGENCY_KINDS]
    if bad:
        raise SubjectDataError(f"{where}: unknown holders {bad}; use {AGENCY_KINDS}")
    variables = tuple(data.get("variables", ()))
    unknown = [v for v in variables if v not in known]
    if unknown:
        raise SubjectDataError(f"{where}: unknown variables {unknown}; known: {sorted(known)}")
    try:
        wording = compile_template(
            _req(data, "wording", where), piece=f"{where} wording", allowed=variables
        )
        federal_src = data.get("wording_federal")
        wording_federal = (
            compile_template(
                federal_src,
                piece=f"{where} wording_federal",
                allowed=(*variables, "local_agency"),
            )
            if federal_src
            else None
        )
    except TemplateError as exc:
        raise SubjectDataError(str(exc)) from exc
    components = tuple(str(c).upper() for c in data.get("components", ()))
    if components and "federal" not in holders:
        raise SubjectDataError(f"{where}: components name federal holders; add 'federal'")
    if wording_federal is None and "federal" in holders and "local_agency" not in variables:
        # A federal office cannot answer "your agency's agreements"; it needs its own wording.
        raise SubjectDataError(f"{where}: federal holders need wording_federal")
    return Item(
        key=key,
        label=_req(data, "label", where),
        description=_req(data, "description", where),
        holders=holders,
        variables=variables,
        wording=wording,
        wording_federal=wording_federal,
        components=components,
    )


def parse_subject(data: dict[str, Any], filename: str) -> Subject:
    """Validate one parsed subject file and build a ``Subject``."""
    known = load_variables()
    items: dict[str, Item] = {}
    for raw in _req(data, "items", filename):
        item = _item(raw, filename, known)
        if item.key in items:
            raise SubjectDataError(f"{filename}: duplicate item key {item.key!r}")
        items[item.key] = item
    return Subject(
        key=_req(data, "key", filename),
        label=_req(data, "label", filename),
        description=_req(data, "description", filename),
        items=items,
    )


@cache
def load_subjects() -> dict[str, Subject]:
    """Every subject keyed by its key, parsed once per process."""
    subjects: dict[str, Subject] = {}
    for entry in sorted(resources.files("records.subjects").iterdir(), key=str):
        if not entry.name.endswith(".toml") or entry.name == "variables.toml":
            continue
        try:
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SubjectDataError(f"{entry.name}: {exc}") from exc
        subject = parse_subject(data, entry.name)
        if f"{subject.key}.toml" != entry.name:
            raise SubjectDataError(f"{entry.name}: key {subject.key!r} does not match file name")
        subjects[subject.key] = subject
    return subjects


def subject_keys() -> list[str]:
    """The keys of every subject, sorted."""
    return sorted(load_subjects())


def get_subject(key: str) -> Subject:
    """The subject ``key`` or ``UnknownSubjectError`` listing the valid keys."""
    try:
        return load_subjects()[key]
    except KeyError:
        raise UnknownSubjectError(key) from None
