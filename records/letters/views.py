"""Letter pages: draft from a request, preview, edit, download, send; profile, templates, batch."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlmodel import select

from records.access import visibility
from records.access.visibility import current_viewer
from records.core import validation as v
from records.core.auth import current_org_id, login_required_with_org, require_role

# The JSON endpoints live in records.letters.api; importing it here registers them on the API
# blueprint before the app registers that blueprint.
from records.core.clock import utc_now, utc_today
from records.core.db import get_session
from records.core.models import Agency, AgencyLevel, RecordRequest, Role
from records.core.validation import JURISDICTIONS, ValidationError
from records.laws import get_law
from records.letters import batch as lb
from records.letters import service as ls
from records.letters.drafting import (
    FEE_CATEGORIES,
    FORMATS,
    TEMPLATES_DIR,
    DraftingError,
    fee_waiver_note,
    piece_names,
    placeholders_for,
    residency_warning,
)
from records.letters.models import BatchJob, StoredLetter
from records.letters.output import PdfConversionError, pdf_available, to_pdf
from records.letters.template import TemplateError
from records.requests.views import request_or_404
from records.subjects import AGENCY_KINDS, get_subject, load_variables, subject_keys
from records.web import panels
from records.web.forms import LEVEL_LABELS
from records.web.forms_util import labelled
from records.web.panels import DASHBOARD_PANELS, REQUEST_PANELS

bp = Blueprint("letters", __name__)
log = logging.getLogger(__name__)
MAX_ID = 2**31 - 1  # larger ids cannot exist (and overflow SQLite)
SYNC_BATCH_LIMIT = 50  # drafted in the request that starts a batch; the rest in later chunks
KIND_LABELS = {
    "federal": "Federal office",
    "police": "Police department",
    "sheriff": "Sheriff's office",
    "jail": "Jail",
    "council_clerk": "City council or county clerk",
    "state": "State agency",
    "county": "County government",
    "city": "City government",
}


# Form labels for error messages (the validators name fields by their internal names).
FIELD_LABELS = {
    "items": "Records to ask for",
    "date_from": "Start of the date range",
    "date_to": "End of the date range",
    "fee_cap": "Fee limit",
    "format": "Format",
    "letter_date": "Letter date",
    "description": "Description of the records",
    "delivery": "How the letter will be sent",
    "text": "Letter text",
    "name": "Name",
    "organization": "Organization",
    "address": "Address",
    "email": "Email",
    "phone": "Phone",
    "fee_category": "Fee category",
    "waiver_justification": "Fee-waiver justification",
    "expedite_justification": "Expedited-processing justification",
    "state": "State of residence",
    "sent_on": "Sent on",
    "method": "Sent by",
    "to": "Email to",
    "smtp_host": "SMTP host",
    "smtp_port": "SMTP port",
    "smtp_user": "SMTP user",
    "mail_from": "From address",
    "default_fee_cap": "Default fee limit",
    "local_agency": "State or local agency the records concern",
    "want_fee_waiver": "Fee waiver",
    "want_expedite": "Expedited processing",
    "agencies": "Agencies",
    "csv": "CSV of agencies",
    "variables": "Details the records wording uses",
    "agency_kind": "Kind of agency",
    "subject": "Subject",
}


def _message(exc: Exception) -> str:
    """A user-facing message naming the field by its label."""
    if isinstance(exc, ValidationError):
        field = exc.field or ""
        variable = load_variables().get(field)
        label = FIELD_LABELS.get(field) or (variable.label if variable else None)
        if label is None:
            return exc.message
        if field == "items" and exc.code == "required":
            return f"{label}: tick at least one"
        message = labelled(exc, label)
        # A message that does not name its field says which one it is about.
        return message if label in message else f"{label}: {message}"
    return str(exc)


def _messages(exc: Exception) -> list[str]:
    """Every user-facing message ``exc`` holds (a form shows them all at once)."""
    if isinstance(exc, ValidationError):
        return [_message(e) for e in v.each_error(exc)]
    return [str(exc)]


# --- helpers ---------------------------------------------------------------------------------


class _Refused(Exception):
    """The form's errors are already collected; nothing is drafted."""


def _letter_or_404(letter_id: int) -> tuple[StoredLetter, RecordRequest, Agency]:
    stored = get_session().get(StoredLetter, letter_id) if letter_id <= MAX_ID else None
    if not visibility.can_see(get_session(), current_viewer(), stored):
        abort(404)
    req = request_or_404(stored.request_id)
    agency = get_session().get(Agency, req.agency_id)
    return stored, req, agency


def _form_dict() -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in request.form.items() if k != "items"}
    data["items"] = request.form.getlist("items")
    return data


def _subject_choice(req: RecordRequest | None) -> str:
    chosen = request.values.get("subject") or (req.subject if req else "")
    return chosen if chosen in subject_keys() else subject_keys()[0]


def _kind_choice(agency: Agency | None) -> str:
    if agency is not None and agency.level == "federal":
        return "federal"
    chosen = request.values.get("agency_kind", "")
    if chosen in AGENCY_KINDS and chosen != "federal":
        return chosen
    if agency is not None and agency.level in AGENCY_KINDS:
        return agency.level
    return "police"


def _form_context(
    subject_key: str, kind: str, federal: bool, component: str = ""
) -> dict[str, Any]:
    subject = get_subject(subject_key)
    items = subject.items_for(kind, component) if kind else list(subject.items.values())
    used = sorted({n for item in items for n in item.variables} | {"date_from", "date_to"})
    if federal:
        used = sorted(set(used) | {"local_agency"})
    known = load_variables()
    return {
        "subjects": [get_subject(k) for k in subject_keys()],
        "subject": subject,
        "items": items,
        "variables": [known[name] for name in ls.VARIABLE_FIELDS if name in used],
        "list_variables": ls.LIST_VARIABLES,
        "formats": FORMATS,
        "kinds": [(k, KIND_LABELS[k]) for k in AGENCY_KINDS if k != "federal"],
        "kind": kind,
        "federal": federal,
    }


def _today() -> date:
    return utc_today()


# --- panels ----------------------------------------------------------------------------------


def _request_panel(req: RecordRequest) -> tuple[str, dict[str, Any]]:
    letters = ls.letters_for_request(get_session(), req.id, current_viewer())
    return "letters/_panel.html", {"req": req, "letters": letters}


def _dashboard_panel(org_id: int, _user_id: int) -> tuple[str, dict[str, Any]] | None:
    has_federal = (
        get_session().exec(select(Agency.id).where(Agency.level == "federal").limit(1)).first()
    )
    return "letters/_dashboard.html", {"has_federal": has_federal is not None}


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 20, _request_panel)
    panels.add(DASHBOARD_PANELS, 50, _dashboard_panel)


# --- drafting one letter ---------------------------------------------------------------------


@bp.route("/requests/<int:request_id>/letters/new", methods=["GET", "POST"])
@login_required_with_org
def new(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    db = get_session()
    agency = db.get(Agency, req.agency_id)
    federal = agency.level == "federal"
    subject_key = _subject_choice(req)
    kind = _kind_choice(agency)
    settings = ls.letter_settings(db, req.org_id)
    default_cap = settings.default_fee_cap if settings else 50
    errors: list[str] = []
    values: dict[str, Any] = {
        "date_from": req.date_from.isoformat() if req.date_from else "",
        "date_to": req.date_to.isoformat() if req.date_to else "",
        "fee_cap": default_cap,
        "format": "electronic",
        "letter_date": _today().isoformat(),
        "items": [],
        "description": req.description,
    }
    if request.method == "POST" and request.form.get("show_records"):
        # A subject or agency-kind change re-renders the form with everything typed so far.
        values = _form_dict()
    elif request.method == "POST":
        values = _form_dict()
        try:
            # Both checked before either error is raised, so every error shows at once.
            date_error: list[str] = []
            try:
                letter_date = v.iso_date(values.get("letter_date"), "letter_date", required=True)
            except ValidationError as exc:
                date_error = _messages(exc)
            try:
                options = ls.parse_options(
                    {**values, "subject": subject_key, "agency_kind": "" if federal else kind},
                    default_fee_cap=default_cap,
                )
            except ValidationError as exc:
                errors += _messages(exc)
            errors += date_error
            if errors:
                raise _Refused
            letter = ls.draft_for(db, req, agency, current_user, options, letter_date)
            stored = ls.store_letter(db, req, options, letter, current_user.id)
        except _Refused:
            pass
        except (ValidationError, DraftingError) as exc:
            errors += _messages(exc)
        else:
            db.commit()
            flash("Letter drafted. Read it, edit it if needed, then send it.", "success")
            return redirect(url_for("letters.show", letter_id=stored.id))
    law = ls.letter_law(req, agency)
    profile = ls.effective_profile(db, req.org_id, current_user.id)
    warning = None
    if profile is not None:
        warning = residency_warning(ls.requester_for(profile, current_user), law)
    elif law.residents_only:
        warning = f"{law.name} is limited to residents; set your state in the requester profile."
    return render_template(
        "letters/new.html",
        req=req,
        agency=agency,
        law=law,
        profile=profile,
        values=values,
        errors=errors,
        residency_warning=warning,
        fee_waiver_note=fee_waiver_note(law),
        **_form_context(subject_key, kind, federal, agency.component if federal else ""),
    ), (422 if errors else 200)


@bp.route("/letters/<int:letter_id>")
@login_required_with_org
def show(letter_id: int) -> Any:
    stored, req, agency = _letter_or_404(letter_id)
    return _show(stored, req, agency)


def _show(
    stored: StoredLetter,
    req: RecordRequest,
    agency: Agency,
    typed: str | None = None,
    error: str = "",
) -> Any:
    recipient = ls.recipient_of(stored, agency)
    letter = ls.letter_of(stored, recipient)
    return render_template(
        "letters/show.html",
        recipient=recipient,
        send_to=agency.foia_email if recipient == agency.name else "",
        kind_label={"follow_up": "Follow-up", "appeal": "Appeal"}.get(stored.kind, "Request"),
        sent_event={
            "follow_up": "records the request's “follow-up sent” event",
            "appeal": "records the request's “appeal filed” event, which starts the appeal's clock",
        }.get(stored.kind, "records the request's “sent” event, which starts its statutory clocks"),
        stored=stored,
        req=req,
        agency=agency,
        preview=letter.html(),
        warnings=ls.warnings_of(stored),
        pdf=pdf_available(),
        methods=ls.SEND_METHODS,
        today=_today().isoformat(),
        sent=stored.sent_on is not None,
        typed=typed,
        error=error,
        email_ready=bool(
            ls.smtp_for(current_app.config, ls.letter_settings(get_session(), stored.org_id)).get(
                "SMTP_HOST"
            )
        ),
    ), (422 if error else 200)


@bp.route("/letters/<int:letter_id>/edit", methods=["POST"])
@login_required_with_org
def edit(letter_id: int) -> Any:
    stored, _req, _agency = _letter_or_404(letter_id)
    require_role(Role.EDITOR)
    db = get_session()
    typed = request.form.get("text", "")
    try:
        ls.update_text(db, stored, typed, current_user.id)
    except ValidationError as exc:
        db.rollback()
        # Keep what the user typed: the page comes back with their text and the error.
        return _show(stored, _req, _agency, typed=typed, error=f"Not saved: {_message(exc)}")
    db.commit()
    flash("Letter saved. This text is what will be downloaded and sent.", "success")
    return redirect(url_for("letters.show", letter_id=stored.id))


@bp.route("/letters/<int:letter_id>/download.<fmt>")
@login_required_with_org
def download(letter_id: int, fmt: str) -> Any:
    stored, _req, agency = _letter_or_404(letter_id)
    db = get_session()
    name = ls.filename_for(stored, agency, fmt)
    if fmt == "txt":
        return Response(
            stored.text,
            mimetype="text/plain; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if fmt not in ("docx", "pdf"):
        abort(404)
    docx = ls.docx_for(db, stored, ls.recipient_of(stored, agency))
    if fmt == "pdf":
        if not pdf_available():
            flash("PDF is unavailable: LibreOffice is not installed on this server.", "error")
            return redirect(url_for("letters.show", letter_id=stored.id))
        try:
            data = to_pdf(docx)
        except PdfConversionError as exc:
            flash(str(exc), "error")
            return redirect(url_for("letters.show", letter_id=stored.id))
        return Response(
            data,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return Response(
        docx,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/letters/<int:letter_id>/send", methods=["POST"])
@login_required_with_org
def send(letter_id: int) -> Any:
    stored, req, agency = _letter_or_404(letter_id)
    require_role(Role.EDITOR)
    db = get_session()
    try:
        message_id = ls.send_by_email(
            db,
            current_app.config,
            stored,
            req,
            agency,
            current_user,
            utc_now(),
            request.form.get("to", ""),
        )
    except (ls.SendError, ValidationError) as exc:
        db.rollback()
        flash(f"Not sent: {_message(exc)}. Nothing was recorded.", "error")
    else:
        db.commit()
        flash(f"Sent to {stored.sent_to} (Message-ID {message_id}).", "success")
    return redirect(url_for("letters.show", letter_id=stored.id))


@bp.route("/letters/<int:letter_id>/mark-sent", methods=["POST"])
@login_required_with_org
def mark_sent(letter_id: int) -> Any:
    stored, req, _agency = _letter_or_404(letter_id)
    require_role(Role.EDITOR)
    db = get_session()
    try:
        on = v.iso_date(request.form.get("sent_on"), "sent_on", required=True)
        ls.mark_sent(
            db, stored, req, request.form.get("method", ""), on, current_user.id, utc_now()
        )
    except (ls.SendError, ValidationError) as exc:
        db.rollback()
        flash(f"Not recorded: {_message(exc)}", "error")
    else:
        db.commit()
        flash(f"Recorded as sent by {stored.sent_method} on {stored.sent_on}.", "success")
    return redirect(url_for("letters.show", letter_id=stored.id))


# --- settings: profile, templates, letterhead, mail ------------------------------------------

PROFILE_FIELDS = (
    "name",
    "organization",
    "address",
    "email",
    "phone",
    "fee_category",
    "state",
    "waiver_justification",
    "expedite_justification",
)


@bp.route("/settings/letters", methods=["GET"])
@login_required_with_org
def settings() -> Any:
    return _settings_page()


def _settings_page(
    typed: Mapping[str, Any] | None = None,
    status: int = 200,
    profile_typed: tuple[str, Mapping[str, Any]] | None = None,
) -> Any:
    """The settings page; ``typed`` refills the fees-and-email form after a refused save, and
    ``profile_typed`` (scope, form) one of the profile forms."""
    db = get_session()
    org_id = current_org_id()
    profile: Any = ls.get_profile(db, org_id, current_user.id)
    org_profile: Any = ls.get_profile(db, org_id, None)
    if profile_typed is not None:
        scope, form = profile_typed
        shown_profile = SimpleNamespace(
            **{k: form.get(k, "") for k in PROFILE_FIELDS},
            us_citizen=bool(form.get("us_citizen")),
        )
        if scope == "org":
            org_profile = shown_profile
        else:
            profile = shown_profile
    org_settings = ls.letter_settings(db, org_id)
    shown: Any = org_settings
    if typed is not None:
        # What the user typed, on top of what is stored (a password is never echoed back).
        shown = SimpleNamespace(
            letterhead=org_settings.letterhead if org_settings else None,
            letterhead_name=org_settings.letterhead_name if org_settings else "",
            smtp_password=org_settings.smtp_password if org_settings else "",
            default_fee_cap=typed.get("default_fee_cap", ""),
            smtp_host=typed.get("smtp_host", ""),
            smtp_port=typed.get("smtp_port", ""),
            smtp_user=typed.get("smtp_user", ""),
            smtp_starttls=bool(typed.get("smtp_starttls")),
            mail_from=typed.get("mail_from", ""),
        )
    return render_template(
        "letters/settings.html",
        profile=profile,
        org_profile=org_profile,
        fee_categories=FEE_CATEGORIES,
        states=[j for j in JURISDICTIONS if j != "US"],
        org_settings=shown,
        overrides=ls.org_overrides(org_settings),
        pieces=piece_names(),
    ), status


@bp.route("/settings/letters/profile", methods=["POST"])
@login_required_with_org
def save_profile() -> Any:
    org_id = current_org_id()
    scope = request.form.get("scope", "user")
    # Editors sign letters with their own profile; the organization's default is the owners'.
    require_role(Role.OWNER if scope == "org" else Role.EDITOR)
    db = get_session()
    try:
        ls.save_profile(db, org_id, None if scope == "org" else current_user.id, request.form)
    except ValidationError as exc:
        db.rollback()
        for message in _messages(exc):
            flash(f"Profile not saved: {message}", "error")
        # The form comes back with what the user typed.
        return _settings_page(profile_typed=(scope, request.form), status=422)
    db.commit()
    flash("Requester profile saved.", "success")
    return redirect(url_for("letters.settings"))


@bp.route("/settings/letters/templates/<piece>", methods=["GET", "POST"])
@login_required_with_org
def template_piece(piece: str) -> Any:
    require_role(Role.OWNER)
    if piece not in piece_names():
        abort(404)
    db = get_session()
    org_id = current_org_id()
    overrides = ls.org_overrides(ls.letter_settings(db, org_id))
    default = (TEMPLATES_DIR / f"{piece}.txt").read_text(encoding="utf-8")
    source = overrides.get(piece, default)
    error = None
    if request.method == "POST":
        source = request.form.get("source", "")
        if request.form.get("reset"):
            source = ""
        try:
            ls.save_override(db, org_id, piece, source)
        except TemplateError as exc:
            error = ls.template_error_message(exc)
        except ValidationError as exc:
            error = exc.message
        else:
            db.commit()
            flash(
                f"Template {piece!r} " + ("saved." if source.strip() else "reset to the default."),
                "success",
            )
            return redirect(url_for("letters.template_piece", piece=piece))
    return render_template(
        "letters/template.html",
        piece=piece,
        source=source,
        default=default,
        overridden=piece in overrides,
        allowed=sorted(placeholders_for(piece)),
        error=error,
    ), (422 if error else 200)


@bp.route("/settings/letters/letterhead", methods=["POST"])
@login_required_with_org
def letterhead() -> Any:
    require_role(Role.OWNER)
    upload = request.files.get("letterhead")
    db = get_session()
    if upload is None or not upload.filename:
        flash("Choose a .docx file to upload.", "error")
        return redirect(url_for("letters.settings"))
    data = upload.stream.read(ls.LETTERHEAD_MAX_BYTES + 1)
    upload.close()  # a large upload is spooled to a temporary file; release it now
    try:
        ls.save_letterhead(db, current_org_id(), data, upload.filename)
    except ValidationError as exc:
        flash(f"Letterhead not saved: {exc.message}", "error")
    else:
        db.commit()
        flash("Letterhead saved; new downloads and emails use it.", "success")
    return redirect(url_for("letters.settings"))


@bp.route("/settings/letters/mail", methods=["POST"])
@login_required_with_org
def mail_settings() -> Any:
    require_role(Role.OWNER)
    db = get_session()
    try:
        ls.save_mail_settings(
            db,
            current_org_id(),
            request.form,
            allow_private=current_app.config["SMTP_ALLOW_PRIVATE_HOSTS"],
            config=current_app.config,
        )
    except ValidationError as exc:
        db.rollback()
        flash(f"Not saved: {_message(exc)}", "error")
        return _settings_page(request.form, 400)
    else:
        db.commit()
        flash("Letter settings saved.", "success")
    return redirect(url_for("letters.settings"))


@bp.route("/letters/seed-federal", methods=["POST"])
@login_required_with_org
def seed_federal() -> Any:
    require_role(Role.EDITOR)
    db = get_session()
    created = ls.seed_federal_offices(db, current_org_id())
    db.commit()
    flash(
        f"Added {created} federal offices to the directory."
        if created
        else "The federal offices are already in the directory.",
        "success",
    )
    return redirect(url_for("agencies.index", level="federal"))


# --- batches ---------------------------------------------------------------------------------


def _batch_csv(values: dict[str, Any], errors: list[str]) -> tuple[bytes | None, dict[str, str]]:
    """The batch form's CSV: a new upload (kept for the next step) or the one kept from an
    earlier step of the same form; returns its bytes and what the form shows about it."""
    from records.core.storage_local import get_storage
    from records.filing.storage_sweep import grace

    storage = get_storage(current_app)
    secret = current_app.config["SECRET_KEY"]
    owner = {"org_id": current_org_id(), "user_id": current_user.id}
    upload = request.files.get("csv")
    if upload is not None and upload.filename:
        raw = upload.stream.read(lb.CSV_MAX_BYTES + 1)
        upload.close()
        if len(raw) > lb.CSV_MAX_BYTES:
            limit = f"{lb.CSV_MAX_BYTES / 2**20:.0f} MB"
            errors.append(f"{FIELD_LABELS['csv']}: the file is larger than the limit ({limit})")
            return None, {}
        name = upload.filename
        token = lb.keep_csv(storage, raw, name, now=utc_now(), secret=secret, **owner)
        return raw, {"token": token, "name": name}
    token = str(values.get("csv_token") or "")
    if not token or values.get("csv_forget"):
        return None, {}
    keep = min(lb.CSV_KEEP, grace(current_app.config))
    try:
        raw, name = lb.kept_csv(storage, token, now=utc_now(), secret=secret, keep=keep, **owner)
    except ValidationError as exc:
        errors.append(f"{FIELD_LABELS['csv']}: {exc.message}")
        return None, {}
    return raw, {"token": token, "name": name}


@bp.route("/letters/batch", methods=["GET", "POST"])
@login_required_with_org
def batch_new() -> Any:
    require_role(Role.EDITOR)
    db = get_session()
    org_id = current_org_id()
    subject_key = _subject_choice(None)
    kind = _kind_choice(None) if request.values.get("agency_kind") else ""
    settings = ls.letter_settings(db, org_id)
    default_cap = settings.default_fee_cap if settings else 50
    values: dict[str, Any] = {
        "fee_cap": default_cap,
        "format": "electronic",
        "letter_date": _today().isoformat(),
        "items": [],
        "skip_existing": "1",
    }
    errors: list[str] = []
    recipients: list[dict[str, Any]] | None = None
    csv_file: dict[str, str] = {}
    batch: BatchJob | None = None
    if request.method == "POST":
        values = _form_dict()
        raw, csv_file = _batch_csv(values, errors)
        if request.form.get("show_records"):
            # A subject or agency-kind change re-renders the form with everything typed so far
            # (the CSV too) and checks nothing else yet.
            pass
        else:
            options = None
            try:
                options = ls.parse_options(
                    {**values, "subject": subject_key, "agency_kind": kind},
                    default_fee_cap=default_cap,
                )
            except ValidationError as exc:
                errors += _messages(exc)
            letter_date = None
            try:
                letter_date = v.iso_date(values.get("letter_date"), "letter_date", required=True)
            except ValidationError as exc:
                errors += _messages(exc)
            ids: list[int] = []
            if raw is not None:
                ids, csv_errors = lb.agencies_from_csv(db, org_id, raw)
                errors += [f"{FIELD_LABELS['csv']}: {e}" for e in csv_errors]
            elif values.get("agency_ids"):  # chosen by a filter of the agreement register
                try:
                    ids = [a.id for a in lb.agencies_by_ids(db, org_id, values["agency_ids"])]
                except ValidationError as exc:
                    errors += _messages(exc)
            elif not csv_file:
                ids = lb.agencies_by_filters(
                    db,
                    org_id,
                    q=values.get("q", "")[:200],
                    level=values.get("level", "")[:20],
                    jurisdiction=values.get("jurisdiction", "")[:2],
                )
            try:
                if errors or options is None or letter_date is None:
                    pass
                elif values.get("preview"):
                    lb.validate_once(db, org_id, current_user, options, ids)
                    recipients = lb.preview(db, org_id, options, ids)
                    if not recipients:
                        errors.append("No agencies match: adjust the filters or the CSV.")
                else:
                    batch = lb.create_batch(
                        db,
                        org_id,
                        current_user.id,
                        options,
                        letter_date,
                        ids,
                        skip_existing=bool(values.get("skip_existing")),
                    )
                    lb.process_batch(db, batch, limit=SYNC_BATCH_LIMIT)
            except (ValidationError, DraftingError) as exc:
                errors += _messages(exc)
        if batch is not None and not errors:
            db.commit()
            return redirect(url_for("letters.batch_show", batch_id=batch.id))
        db.rollback()
    chosen = request.values.get("agency_ids", "")[:60000]
    try:
        preselected = lb.agencies_by_ids(db, org_id, chosen)
    except ValidationError as exc:
        errors += [m for m in _messages(exc) if m not in errors]
        chosen, preselected = "", []
    return render_template(
        "letters/batch_new.html",
        values=values,
        agency_ids=chosen,
        preselected=preselected,
        errors=errors,
        recipients=recipients,
        csv_file=csv_file,
        levels=[(m.value, LEVEL_LABELS[m.value]) for m in AgencyLevel],
        **_form_context(subject_key, kind, False),
    ), (422 if errors else 200)


def _batch_or_404(batch_id: int) -> BatchJob:
    batch = get_session().get(BatchJob, batch_id) if batch_id <= MAX_ID else None
    if batch is None or batch.org_id != current_org_id():
        abort(404)
    return batch


@bp.route("/letters/batch/<int:batch_id>")
@login_required_with_org
def batch_show(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    rows, hidden = lb.visible_results(get_session(), batch, current_viewer())
    return render_template(
        "letters/batch_show.html",
        batch=batch,
        rows=rows,
        hidden=hidden,
        subject=get_subject(batch.subject),
        percent=int(100 * (batch.done + batch.failed) / batch.total) if batch.total else 100,
    )


@bp.route("/letters/batch/<int:batch_id>/continue", methods=["POST"])
@login_required_with_org
def batch_continue(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    require_role(Role.EDITOR)
    db = get_session()
    lb.process_batch(db, batch, limit=SYNC_BATCH_LIMIT)
    db.commit()
    return redirect(url_for("letters.batch_show", batch_id=batch.id))


@bp.route("/letters/batch/<int:batch_id>/retry", methods=["POST"])
@login_required_with_org
def batch_retry(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    require_role(Role.EDITOR)
    db = get_session()
    queued = lb.retry_failed(db, batch)
    if queued:
        lb.process_batch(db, batch, limit=SYNC_BATCH_LIMIT)
    db.commit()
    flash(f"{queued} failed letter{'' if queued == 1 else 's'} queued again.", "success")
    return redirect(url_for("letters.batch_show", batch_id=batch.id))


@bp.route("/letters/batch/<int:batch_id>/mark-sent", methods=["POST"])
@login_required_with_org
def batch_mark_sent(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    require_role(Role.EDITOR)
    db = get_session()
    method = request.form.get("method", "")
    try:
        on = v.iso_date(request.form.get("sent_on"), "sent_on", required=True)
        if method not in ls.SEND_METHODS:
            raise ValidationError("method", f"method must be one of: {', '.join(ls.SEND_METHODS)}")
        count, problems = lb.mark_batch_sent(
            db, batch, method, on, current_user.id, utc_now(), current_viewer()
        )
    except ValidationError as exc:
        db.rollback()
        flash(f"Not recorded: {_message(exc)}", "error")
        return redirect(url_for("letters.batch_show", batch_id=batch.id))
    db.commit()
    flash(
        f"{count} letter{'' if count == 1 else 's'} recorded as sent by {method} on {on}.",
        "success",
    )
    for problem in problems[:20]:
        flash(f"Not recorded: {problem}", "error")
    return redirect(url_for("letters.batch_show", batch_id=batch.id))


@bp.route("/letters/batch/<int:batch_id>/letters.zip")
@login_required_with_org
def batch_zip(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    # Built letter by letter into a temporary file, then streamed from disk: memory stays flat
    # however many letters the batch holds.
    # The response closes the file once it is sent, so no context manager here.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        lb.write_zip(get_session(), batch, spool, current_viewer())
    except Exception:
        spool.close()
        raise
    spool.seek(0)
    return send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"letters-batch-{batch.id}.zip",
    )


def law_name(code: str) -> str:
    """A law's name for display, or the code when the library has none."""
    try:
        return get_law(code).name
    except KeyError:
        return code


bp.add_app_template_global(law_name, "letters_law_name")
