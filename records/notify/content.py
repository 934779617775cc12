"""The words of a reminder: inbox title and body, and the email built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from records.core.models import RecordRequest
from records.lifecycle.models import Deadline
from records.notify.models import Reminder

KIND_LABELS = {
    "before": "Coming up",
    "on_day": "Due today",
    "passed": "Date passed",
    "digest": "Weekly digest",
    "followup": "Ask again",
}


@dataclass(frozen=True)
class Content:
    title: str
    body: str
    url: str


def clock_label(clock: str) -> str:
    """``first_response`` -> ``First response``."""
    return clock.replace("_", " ").strip().capitalize() or "Deadline"


def when(due: date, today: date) -> str:
    """How far ``due`` is from ``today``, in words, with the date itself (never only relative)."""
    shown = f"{due:%a %d %b %Y}"
    days = (due - today).days
    if days > 1:
        return f"due in {days} days, on {shown}"
    if days == 1:
        return f"due tomorrow, {shown}"
    if days == 0:
        return f"due today, {shown}"
    late = -days
    return f"passed {late} day{'s' if late != 1 else ''} ago, on {shown}"


def request_reminder(
    reminder: Reminder, req: RecordRequest, deadline: Deadline, today: date, base_url: str
) -> Content:
    """Text for a reminder about one request's clock, worded relative to ``today``."""
    label = clock_label(reminder.clock)
    url = f"{base_url.rstrip('/')}/requests/{req.id}"
    title = f"{label} {when(reminder.due, today)}: {req.title}"[:300]
    lines = [f"{label} for “{req.title}” is {when(reminder.due, today)}."]
    if req.tracking_number:
        lines.append(f"Agency tracking number: {req.tracking_number}")
    if deadline.rule:
        lines.append(f"Rule: {deadline.rule}")
    if deadline.citation:
        lines.append(f"Source: {deadline.citation}")
    if deadline.explanation:
        lines += ["", "How we counted:", deadline.explanation]
    if not deadline.statutory:
        lines.append("This date is not set by statute; check it before relying on it.")
    lines += ["", f"Open the request: {url}"]
    return Content(title=title, body="\n".join(lines), url=url)


def digest(
    rows: list[tuple[Deadline, RecordRequest]],
    week_of: date,
    today: date,
    base_url: str,
    overdue_total: int | None = None,
    coming_total: int | None = None,
    count_cap: int | None = None,
) -> Content:
    """Text for the weekly digest: the most urgent open dates, overdue and this week.

    ``rows`` may be the first few of each; the totals (default: the rows given) are named in
    the title, and a group that has more than it lists links to the filtered request list. A
    total over ``count_cap`` (counted no further) reads "1,000+".
    """

    def shown(n: int) -> str:
        return f"{count_cap:,}+" if count_cap is not None and n > count_cap else f"{n:,}"

    base = base_url.rstrip("/")
    url = f"{base}/"
    overdue = [(d, r) for d, r in rows if d.due is not None and d.due < today]
    coming = [(d, r) for d, r in rows if d.due is not None and d.due >= today]
    totals = {
        "Overdue": len(overdue) if overdue_total is None else overdue_total,
        "This week": len(coming) if coming_total is None else coming_total,
    }
    filters = {"Overdue": "overdue", "This week": "week"}
    lines = [f"Deadlines for the week of {week_of:%d %b %Y}."]
    for heading, group in (("Overdue", overdue), ("This week", coming)):
        if group:
            lines += ["", f"{heading}:"]
            for d, r in group:
                assert d.due is not None
                lines.append(f"- {clock_label(d.clock)} {when(d.due, today)}: {r.title}")
                lines.append(f"  {base}/requests/{r.id}")
            total = totals[heading]
            if total > len(group):
                more = shown(total - len(group))
                if count_cap is not None and total > count_cap:
                    more = f"{count_cap - len(group):,}+"
                lines.append(f"And {more} more: {base}/requests/?due={filters[heading]}")
    title = (
        f"Week of {week_of:%d %b}: {shown(totals['Overdue'])} overdue, "
        f"{shown(totals['This week'])} due this week"
    )
    return Content(title=title, body="\n".join(lines), url=url)


_DIGEST_LINK = re.compile(r"^\s+\S*/requests/(\d+)$")


def digest_request_ids(body: str) -> set[int]:
    """The requests a digest's text names (each entry's second line links to its request)."""
    return {int(m.group(1)) for line in body.splitlines() if (m := _DIGEST_LINK.match(line))}


def digest_for_reader(body: str, visible: set[int]) -> str:
    """A digest's text without the entries about requests outside ``visible`` (made private by
    someone else, or deleted, since it was written)."""
    lines, out, dropped = body.splitlines(), [], 0
    i = 0
    while i < len(lines):
        link = _DIGEST_LINK.match(lines[i + 1]) if i + 1 < len(lines) else None
        if lines[i].startswith("- ") and link and int(link.group(1)) not in visible:
            dropped, i = dropped + 1, i + 2
            continue
        out.append(lines[i])
        i += 1
    if dropped:
        out += [
            "",
            f"({dropped} entr{'y' if dropped == 1 else 'ies'} about requests you can no longer see removed.)",
        ]
    return "\n".join(out)


def email_for(reminder: Reminder, content: Content, to: str) -> EmailMessage:
    """The email for one reminder. Its Message-ID is fixed per reminder so a resend is
    recognisable as the same message by mail clients."""
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = f"[Records Desk] {content.title}"[:250]
    msg["Message-ID"] = f"<reminder-{reminder.id}-{reminder.due:%Y%m%d}@records-desk>"
    msg["X-Records-Desk-Reminder"] = str(reminder.id)
    msg.set_content(content.body + "\n\nChange your reminder settings under Notifications.\n")
    return msg
