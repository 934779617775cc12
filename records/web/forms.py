"""WTForms classes for the HTML pages (CSRF, labels, kept input). Domain rules live in
``records.core.validation`` and the domain modules; views copy their errors onto these fields.
The agency and request forms take their lengths and choices from the input models
(``records.directory.inputs``, ``records.requests.inputs``), where they are declared once."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from records.core.models import SUBJECT_LABELS, AgencyLevel, OrgKind, Role, Visibility
from records.core.validation import EMAIL_MAX, JURISDICTIONS, max_length
from records.directory.inputs import AgencyInput
from records.requests.inputs import RequestInput


def _agency_max(field: str) -> Length:
    return Length(max=max_length(AgencyInput, field))


def _request_max(field: str) -> Length:
    return Length(max=max_length(RequestInput, field))


LEVEL_LABELS = {
    "federal": "Federal component",
    "state": "State agency",
    "county": "County",
    "city": "City",
    "police": "Police department",
    "council_clerk": "City council or clerk",
    "sheriff": "Sheriff",
    "jail": "Jail or detention center",
    "other": "Other",
}
LEVEL_CHOICES = [(m.value, LEVEL_LABELS[m.value]) for m in AgencyLevel]
JURIS_CHOICES = [(c, "Federal (US)" if c == "US" else c) for c in JURISDICTIONS]
SUBJECT_CHOICES = [(k.value, label) for k, label in SUBJECT_LABELS.items()]
VISIBILITY_CHOICES = [
    (Visibility.PRIVATE.value, "Private (you and the assignee)"),
    (Visibility.ORGANIZATION.value, "Organization"),
    (Visibility.PUBLIC.value, "Public archive"),
]


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])
    password = PasswordField(
        "Password (at least 10 characters)", validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField(
        "New password (at least 10 characters)",
        validators=[DataRequired(), Length(min=10, max=200)],
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
    )


class OrgForm(FlaskForm):
    name = StringField("Organization name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[(k.value, k.value.title()) for k in OrgKind])


class InviteForm(FlaskForm):
    role = SelectField("Role", choices=[(r.value, r.value.title()) for r in Role], default="editor")


class MemberRoleForm(FlaskForm):
    role = SelectField("Role", choices=[(r.value, r.value.title()) for r in Role])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[Optional(), Length(max=100)])


class EmptyForm(FlaskForm):
    """CSRF-only form for buttons that POST."""


class AgencyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), _agency_max("name")])
    level = SelectField("Level", choices=LEVEL_CHOICES)
    jurisdiction = SelectField("Jurisdiction", choices=JURIS_CHOICES)
    parent_id = SelectField("Parent agency", choices=[], validate_choice=False)
    component = StringField(
        "Federal component (e.g. DHS, DOJ)", validators=[Optional(), _agency_max("component")]
    )
    foia_email = StringField(
        "Records request email", validators=[Optional(), _agency_max("foia_email")]
    )
    portal_url = StringField(
        "Request portal URL", validators=[Optional(), _agency_max("portal_url")]
    )
    mailing_address = TextAreaField(
        "Mailing address", validators=[Optional(), _agency_max("mailing_address")]
    )
    phone = StringField("Phone", validators=[Optional(), _agency_max("phone")])
    notes = TextAreaField("Notes", validators=[Optional(), _agency_max("notes")])


class AgencyImportForm(FlaskForm):
    kind = SelectField(
        "What the file is",
        choices=[
            ("directory", "The directory's CSV (the columns listed above)"),
            ("287g", "ICE's list of 287(g) participating agencies (.xlsx, or CSV)"),
        ],
        default="directory",
    )
    file = FileField("File", validators=[FileRequired()])


class RequestForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), _request_max("title")])
    agency_id = SelectField("Agency", choices=[], validate_choice=False)
    subject = SelectField("Subject", choices=SUBJECT_CHOICES)
    description = TextAreaField(
        "Records description", validators=[Optional(), _request_max("description")]
    )
    date_from = DateField("Records from", validators=[Optional()])
    date_to = DateField("Records to", validators=[Optional()])
    tracking_number = StringField(
        "Agency tracking number", validators=[Optional(), _request_max("tracking_number")]
    )
    assignee_id = SelectField("Assignee", choices=[], validate_choice=False)
    visibility = SelectField("Visibility", choices=VISIBILITY_CHOICES, default="organization")
