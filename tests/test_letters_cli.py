"""`flask letters draft`: one letter or a CSV batch; bad input exits 2 with a clear message."""

from __future__ import annotations

from docx import Document

from records.laws import get_law
from records.letters.output import docx_paragraphs


def _text(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_draft_one_state_letter(runner, tmp_path):
    out = tmp_path / "letter.docx"
    result = runner.invoke(
        args=[
            "letters",
            "draft",
            "--subject",
            "agreements",
            "--law",
            "TX",
            "--agency",
            "Travis County Sheriff's Office",
            "--items",
            "moa_287g,steering_committee",
            "--from",
            "2025-01-20",
            "--to",
            "2026-10-31",
            "--requester-name",
            "Jane Roe",
            "--requester-email",
            "jane@example.org",
            "--date",
            "2026-11-24",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "Travis County Sheriff's Office" in text
    assert get_law("TX").citation in text
    assert "January 20, 2025" in text and "October 31, 2026" in text
    assert "Jane Roe" in text
    assert "November 24, 2026" in text


def test_draft_federal_office_from_seed(runner, tmp_path):
    out = tmp_path / "ice.txt"
    result = runner.invoke(
        args=[
            "letters",
            "draft",
            "--subject",
            "communications",
            "--law",
            "US",
            "--agency",
            "ice_foia",
            "--items",
            "federal_detainers",
            "--from",
            "2025-01-20",
            "--local-agency",
            "the Travis County Sheriff's Office",
            "--date",
            "2026-11-24",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "5 U.S.C. § 552" in text
    assert "Travis County Sheriff's Office" in text
    assert "ICE" in text


def test_unknown_subject_law_or_item_exit_2(runner, tmp_path):
    out = str(tmp_path / "x.docx")
    base = ["letters", "draft", "--agency", "Sheriff", "--from", "2025-01-01", "--out", out]
    bad_subject = runner.invoke(args=[*base, "--subject", "weather", "--law", "TX"])
    assert bad_subject.exit_code == 2
    assert "unknown subject 'weather'" in bad_subject.output
    assert "agreements" in bad_subject.output
    bad_law = runner.invoke(args=[*base, "--subject", "agreements", "--law", "ZZ"])
    assert bad_law.exit_code == 2
    assert "ZZ" in bad_law.output
    bad_item = runner.invoke(
        args=[*base, "--subject", "agreements", "--law", "TX", "--items", "moa_287g,unicorns"]
    )
    assert bad_item.exit_code == 2
    assert "unknown item 'unicorns'" in bad_item.output
    missing = runner.invoke(args=["letters", "draft", "--subject", "agreements", "--law", "TX"])
    assert missing.exit_code == 2
    assert not (tmp_path / "x.docx").exists()


def test_batch_from_csv_each_with_own_law(runner, tmp_path):
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text(
        "name,jurisdiction,level\n"
        "Travis County Sheriff,TX,sheriff\n"
        "Los Angeles County Sheriff,CA,sheriff\n"
        "Albany County Sheriff,NY,sheriff\n"
    )
    out_dir = tmp_path / "out"
    result = runner.invoke(
        args=[
            "letters",
            "draft",
            "--subject",
            "forfeiture",
            "--agencies",
            str(csv_path),
            "--items",
            "esac,dag71",
            "--from",
            "2020-01-01",
            "--date",
            "2026-11-24",
            "--out-dir",
            str(out_dir),
        ]
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == [
        "Albany-County-Sheriff-NY.docx",
        "Los-Angeles-County-Sheriff-CA.docx",
        "Travis-County-Sheriff-TX.docx",
    ]
    for name, code in (("Travis", "TX"), ("Los-Angeles", "CA"), ("Albany", "NY")):
        text = " ".join(
            docx_paragraphs((out_dir / f"{name}-County-Sheriff-{code}.docx").read_bytes())
        )
        assert get_law(code).citation in text
        assert "DAG-71" in text


def test_batch_reports_bad_rows(runner, tmp_path):
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text("name,jurisdiction\nSomewhere Sheriff,ZZ\nTravis County Sheriff,TX\n")
    out_dir = tmp_path / "out"
    result = runner.invoke(
        args=[
            "letters",
            "draft",
            "--subject",
            "agreements",
            "--agencies",
            str(csv_path),
            "--from",
            "2025-01-01",
            "--date",
            "2026-11-24",
            "--out-dir",
            str(out_dir),
        ]
    )
    assert result.exit_code == 1
    assert "line 2 (Somewhere Sheriff)" in result.output
    assert [p.name for p in out_dir.iterdir()] == ["Travis-County-Sheriff-TX.docx"]


def test_documented_draft_command_works_without_a_date_range(runner, tmp_path):
    out = tmp_path / "letter.docx"
    result = runner.invoke(
        args=[
            "letters",
            "draft",
            "--subject",
            "agreements",
            "--law",
            "AL",
            "--agency",
            "Birmingham Police Department",
            "--kind",
            "police",
            "--items",
            "title19_hsi",
            "--description",
            "The HSI task-force MOU",
            "--delivery",
            "mail",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "in effect at any time up to the date you conduct the search" in text
    assert "The HSI task-force MOU." in text
    assert "By first-class mail" in text
