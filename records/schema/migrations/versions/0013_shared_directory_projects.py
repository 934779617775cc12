"""One agency directory for the whole instance, with per-organization notes and an edit history;
projects (named groups of an organization's requests).

Until now each organization kept its own copy of every agency. The copies of one office (same
normalized name in the same jurisdiction, at most one copy per organization) become one shared
row: the lowest id is kept, every reference to the others (requests, closure days, register
entries, ledger figures, follow-ups, child offices, search entries) is moved to it, contacts
the kept row lacks are taken from the copies, each copy's notes become its organization's
``agencynote``, and each merge is written to ``agencyrevision``. The organization whose copy
was kept is recorded as the one that added the agency.

Downgrade gives every agency back an ``org_id`` (the one that added it) and that
organization's notes; the merged copies are not split again.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from records.core.clock import utc_now

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# A copy of records.directory.service.name_key as it was written for this migration (the app's may
# change later; this migration must keep meaning what it meant).
_SYNONYMS = {
    "dept": "department",
    "dep": "department",
    "pd": "police department",
    "so": "sheriff office",
    "sheriffs": "sheriff",
    "co": "county",
    "cnty": "county",
    "ofc": "office",
    "twp": "township",
    "&": "and",
}


def _name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # "P.D." -> "PD"
    text = text.replace("&", " and ").replace("'s ", " ").replace("’s ", " ")
    out: list[str] = []
    for word in re.findall(r"[a-z0-9]+", text):
        out.extend(_SYNONYMS.get(word, word).split())
    if out and out[0] == "the":
        out = out[1:]
    joined = " ".join(out)
    # "Sheriff's Office", "Sheriff's Department" and "Sheriff" name one office.
    joined = re.sub(r"\bsheriff (office|department)\b", "sheriff", joined)
    return joined[:300]


# (table, column) pairs that point at an agency.
REFERENCES = (
    ("recordrequest", "agency_id"),
    ("agencyclosure", "agency_id"),
    ("agreement", "agency_id"),
    ("agreement", "federal_agency_id"),
    ("ledgerfigure", "agency_id"),
    ("followup", "agency_id"),
    ("sharingrequest", "agency_id"),
    ("agency", "parent_id"),
    ("searchentry", "agency_id"),
)
CONTACTS = ("component", "foia_email", "portal_url", "mailing_address", "phone", "source")


@contextmanager
def _foreign_keys_off() -> Iterator[None]:
    """SQLite: rebuilding ``agency`` (batch mode) drops the old table, which with foreign keys
    on would cascade into every table pointing at it. The pragma only changes outside a
    transaction, so the work so far is committed, the rebuild runs with foreign keys off, and
    every reference is checked before they are turned on again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"references left dangling: {broken[:5]}")
    finally:
        bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN")


def _merge_copies(bind: Any) -> None:
    """Group the copies, then move every reference in one statement per column (a temporary
    table maps each merged copy to the row kept), so the work grows with the rows, not with
    rows times copies."""
    now = utc_now()
    rows = bind.execute(
        sa.text(
            "SELECT id, org_id, name, jurisdiction, notes, "
            + ", ".join(CONTACTS)
            + " FROM agency ORDER BY id"
        )
    ).mappings().all()
    # (name key, jurisdiction) -> kept rows, each with the organizations whose copy it holds.
    kept: dict[tuple[str, str], list[dict[str, Any]]] = {}
    notes: list[dict[str, Any]] = []
    merges: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    filled: dict[int, dict[str, Any]] = {}
    for row in rows:
        key = (_name_key(row["name"]), row["jurisdiction"])
        target = None
        for candidate in kept.get(key, []):
            if row["org_id"] not in candidate["orgs"]:
                target = candidate
                break
        if target is None:
            kept.setdefault(key, []).append(
                {"row": dict(row), "orgs": {row["org_id"]}, "key": key[0]}
            )
            if row["notes"]:
                notes.append({"org_id": row["org_id"], "agency_id": row["id"], "notes": row["notes"]})
            continue
        target["orgs"].add(row["org_id"])
        keep_id, drop_id = target["row"]["id"], row["id"]
        merges.append({"drop_id": drop_id, "keep_id": keep_id})
        for field in CONTACTS:
            if not target["row"][field] and row[field]:
                target["row"][field] = row[field]
                filled[keep_id] = target["row"]
        if row["notes"]:
            notes.append({"org_id": row["org_id"], "agency_id": keep_id, "notes": row["notes"]})
        merged = {k: row[k] for k in ("id", "name", "jurisdiction")}
        revisions.append(
            {"a": keep_id, "o": row["org_id"], "c": json.dumps({"merged": [merged, None]}), "at": now}
        )
    if merges:
        bind.execute(
            sa.text(
                "CREATE TEMPORARY TABLE agency_merge_map "
                "(drop_id INTEGER PRIMARY KEY, keep_id INTEGER NOT NULL)"
            )
        )
        bind.execute(
            sa.text("INSERT INTO agency_merge_map (drop_id, keep_id) VALUES (:drop_id, :keep_id)"),
            merges,
        )
        for table, column in REFERENCES:
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = (SELECT m.keep_id FROM agency_merge_map m "  # noqa: S608
                    f"WHERE m.drop_id = {table}.{column}) "
                    f"WHERE {column} IN (SELECT drop_id FROM agency_merge_map)"
                )
            )
        bind.execute(
            sa.text("DELETE FROM agency WHERE id IN (SELECT drop_id FROM agency_merge_map)")
        )
        bind.execute(sa.text("DROP TABLE agency_merge_map"))
        bind.execute(
            sa.text(
                "INSERT INTO agencyrevision (agency_id, org_id, user_id, action, changes, at) "
                "VALUES (:a, :o, NULL, 'merge', :c, :at)"
            ),
            revisions,
        )
    if filled:
        sets = ", ".join(f"{f} = :{f}" for f in CONTACTS)
        bind.execute(
            sa.text(f"UPDATE agency SET {sets} WHERE id = :id"),  # noqa: S608
            [{**{f: r[f] for f in CONTACTS}, "id": i} for i, r in filled.items()],
        )
    updates = [
        {"k": item["key"], "o": item["row"]["org_id"], "id": item["row"]["id"]}
        for group in kept.values()
        for item in group
    ]
    if updates:
        bind.execute(
            sa.text("UPDATE agency SET name_key = :k, created_by_org_id = :o WHERE id = :id"),
            updates,
        )
    if notes:
        bind.execute(
            sa.text(
                "INSERT INTO agencynote (org_id, agency_id, notes, updated_by, updated_at) "
                "VALUES (:org_id, :agency_id, :notes, NULL, :at)"
            ),
            [{**note, "at": now} for note in notes],
        )


def _create_projects() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "name", name="uq_project_org_name"),
    )
    op.create_index(op.f("ix_project_org_id"), "project", ["org_id"], unique=False)
    op.create_table(
        "projectrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["recordrequest.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "request_id", name="uq_projectrequest"),
    )
    for column in ("org_id", "project_id", "request_id"):
        op.create_index(
            op.f(f"ix_projectrequest_{column}"), "projectrequest", [column], unique=False
        )


def _drop_projects() -> None:
    for column in ("org_id", "project_id", "request_id"):
        op.drop_index(op.f(f"ix_projectrequest_{column}"), table_name="projectrequest")
    op.drop_table("projectrequest")
    op.drop_index(op.f("ix_project_org_id"), table_name="project")
    op.drop_table("project")


def upgrade() -> None:
    bind = op.get_bind()
    _create_projects()
    op.create_table(
        "agencynote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "agency_id", name="uq_agencynote_org_agency"),
    )
    op.create_index(op.f("ix_agencynote_agency_id"), "agencynote", ["agency_id"], unique=False)
    op.create_index(op.f("ix_agencynote_org_id"), "agencynote", ["org_id"], unique=False)
    op.create_table(
        "agencyrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_agencyrevision_agency_at", "agencyrevision", ["agency_id", "at"], unique=False
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_key",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("created_by_org_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
    # Entries are rebuilt below (agencies' lose their organization and their notes).
    op.execute("DELETE FROM searchentry")
    _merge_copies(bind)
    with _foreign_keys_off():
        with op.batch_alter_table("agency", schema=None) as batch_op:
            batch_op.alter_column("name_key", server_default=None)
            batch_op.drop_constraint("uq_agency_org_name_juris", type_="unique")
            batch_op.drop_index("ix_agency_org_name")
            batch_op.drop_index(batch_op.f("ix_agency_org_id"))
            batch_op.drop_column("notes")
            batch_op.drop_column("org_id")
            batch_op.create_foreign_key(
                "fk_agency_created_by_org_id",
                "organization",
                ["created_by_org_id"],
                ["id"],
                ondelete="SET NULL",
            )
            batch_op.create_foreign_key(
                "fk_agency_created_by", "user", ["created_by"], ["id"], ondelete="SET NULL"
            )
            batch_op.create_index("ix_agency_key_juris", ["name_key", "jurisdiction"], unique=False)
            batch_op.create_index("ix_agency_name", ["name"], unique=False)
        with op.batch_alter_table("searchentry", schema=None) as batch_op:
            batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=True)
    if bind.dialect.name == "sqlite":
        from records.filing.models import FTS_DDL

        for stmt in FTS_DDL:  # batch mode rebuilt searchentry, which drops its triggers
            op.execute(stmt)
        op.execute("INSERT INTO searchentry_fts(searchentry_fts) VALUES ('rebuild')")
    from records.schema.migrate import reindex_if_current

    reindex_if_current(bind)


def downgrade() -> None:
    bind = op.get_bind()
    _drop_projects()
    op.execute("DELETE FROM searchentry WHERE kind = 'agency'")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    first_org = bind.execute(sa.text("SELECT MIN(id) FROM organization")).scalar()
    bind.execute(
        sa.text("UPDATE agency SET org_id = COALESCE(created_by_org_id, :first)"),
        {"first": first_org},
    )
    bind.execute(
        sa.text(
            "UPDATE agency SET notes = COALESCE((SELECT n.notes FROM agencynote n "
            "WHERE n.agency_id = agency.id AND n.org_id = agency.org_id), '')"
        )
    )
    with _foreign_keys_off():
        with op.batch_alter_table("searchentry", schema=None) as batch_op:
            batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
        with op.batch_alter_table("agency", schema=None) as batch_op:
            batch_op.drop_index("ix_agency_name")
            batch_op.drop_index("ix_agency_key_juris")
            batch_op.drop_constraint("fk_agency_created_by", type_="foreignkey")
            batch_op.drop_constraint("fk_agency_created_by_org_id", type_="foreignkey")
            batch_op.drop_column("created_by")
            batch_op.drop_column("created_by_org_id")
            batch_op.drop_column("name_key")
            batch_op.alter_column("notes", server_default=None)
            batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                "fk_agency_org_id_organization",
                "organization",
                ["org_id"],
                ["id"],
                ondelete="CASCADE",
            )
            batch_op.create_index(batch_op.f("ix_agency_org_id"), ["org_id"], unique=False)
            batch_op.create_index("ix_agency_org_name", ["org_id", "name"], unique=False)
            batch_op.create_unique_constraint(
                "uq_agency_org_name_juris", ["org_id", "name", "jurisdiction"]
            )
    op.drop_index("ix_agencyrevision_agency_at", table_name="agencyrevision")
    op.drop_table("agencyrevision")
    op.drop_index(op.f("ix_agencynote_org_id"), table_name="agencynote")
    op.drop_index(op.f("ix_agencynote_agency_id"), table_name="agencynote")
    op.drop_table("agencynote")
    if bind.dialect.name == "sqlite":
        from records.filing.models import FTS_DDL

        for stmt in FTS_DDL:
            op.execute(stmt)
        op.execute("INSERT INTO searchentry_fts(searchentry_fts) VALUES ('rebuild')")
