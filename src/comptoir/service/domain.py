"""Pure rules of the service inbox: reading an email, spotting a "where is my order?"
question and the order it names, and when an answer is due. No Django import."""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from enum import StrEnum
from zoneinfo import ZoneInfo

from comptoir.core.calendar import MONDAY_TO_FRIDAY, WorkingCalendar


class ConversationStatus(StrEnum):
    OPEN = "open"  # the customer waits for us
    WAITING_ON_CUSTOMER = "waiting_on_customer"  # we answered; the customer's turn
    CLOSED = "closed"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


EMAIL = "email"
MAX_BODY = 20_000  # characters kept of a message's text: a quoted thread can be endless


@dataclass(frozen=True)
class InboundEmail:
    """An email as the inbox needs it, whichever way it came (SMTP, LMTP, a provider's POST)."""

    sender: str  # the address only, lower case
    sender_name: str
    to: str
    subject: str
    text: str
    message_id: str  # without its angle brackets
    in_reply_to: tuple[str, ...] = ()  # In-Reply-To then References, newest first


def bare_message_id(value: str | None) -> str:
    """`<abc@host>` -> `abc@host`: one spelling whatever the header's brackets or spaces."""
    return (value or "").strip().strip("<>").strip()[:250]


def _message_ids(header: str | None) -> list[str]:
    return [bare_message_id(part) for part in re.findall(r"<[^<>]+>", header or "")]


def read_email(raw: bytes) -> InboundEmail:
    """Parse a raw RFC 5322 message: the sender, subject, plain text and threading headers.
    An HTML-only message keeps its text with the tags taken out."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # the default policy always makes one
        raise TypeError("not an email")
    name, address = parseaddr(str(message.get("From", "")))
    to = ", ".join(a for _, a in getaddresses([str(message.get("To", ""))]))
    replied = _message_ids(message.get("In-Reply-To")) + list(
        reversed(_message_ids(message.get("References")))
    )
    return InboundEmail(
        sender=address.strip().lower(),
        sender_name=name.strip(),
        to=to,
        subject=str(message.get("Subject", "")).strip()[:200],
        text=_plain_text(message)[:MAX_BODY],
        message_id=bare_message_id(message.get("Message-ID")),
        in_reply_to=tuple(dict.fromkeys(i for i in replied if i)),
    )


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_subtype() == "html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text.strip()


# An order reference as orders.domain.new_order_reference makes them: CO- and 8 characters
# of an alphabet without 0/O and 1/I. Customers type it in any case.
ORDER_REFERENCE = re.compile(r"\bCO-[A-HJ-NP-Z2-9]{8}\b", re.IGNORECASE)


def order_references_in(*texts: str) -> list[str]:
    """The order references a message names, first named first, each once, in upper case."""
    found: list[str] = []
    for text in texts:
        found += [match.upper() for match in ORDER_REFERENCE.findall(text or "")]
    return list(dict.fromkeys(found))


def _folded(text: str) -> str:
    """Lower case, accents off, apostrophes and spaces made plain: 'Où' and 'ou' match."""
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text)


# "Where is my order?" in the words customers use, French and English (matched on folded text).
WISMO_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bou (est|en est|sont|en sont) (ma|mon|mes)\b.*\b(commande|colis|paquet|livraison)",
        r"\b(toujours|pas encore|jamais|rien) (pas )?recu\b",
        r"\b(n'ai|n'avons) (toujours |pas encore |jamais )?(pas |rien )?recu\b",
        r"\bsuivi (de|du) (ma |mon )?(commande|colis|livraison)\b",
        r"\bquand (vais-je|est-ce que je vais|arrive|arrivera|sera livree?)\b",
        r"\bwhere(?: is|'s| are) (my|our)\b.*\b(order|parcel|package|delivery)",
        r"\b(not|never|still not|haven't|have not|hasn't|has not) (yet )?(received|arrived|come)\b",
        r"\b(track|tracking) (my )?(order|parcel|package)\b",
        r"\bwhen will (my|our) (order|parcel|package|delivery)\b",
    )
)


def is_wismo(subject: str, text: str) -> bool:
    """True when the message asks where an order or parcel is ("where is my order?")."""
    folded = _folded(f"{subject}\n{text}")
    return any(pattern.search(folded) for pattern in WISMO_PATTERNS)


@dataclass(frozen=True)
class ServiceHours:
    """When the service team answers: working days of a calendar (public holidays off),
    between two times of day, in the calendar's zone."""

    calendar: WorkingCalendar = WorkingCalendar(weekdays=MONDAY_TO_FRIDAY)
    opens: time = time(9, 0)
    closes: time = time(18, 0)


def answer_due(received_at: datetime, *, within: timedelta, hours: ServiceHours) -> datetime:
    """When an answer to a message received at `received_at` is due: `within` of the team's
    working time later. A message on Friday at 17:00 with 4 working hours is due on Monday
    at 12:00 (Monday at 12:00 on Tuesday, if that Monday is a public holiday)."""
    zone = ZoneInfo(hours.calendar.timezone)
    remaining = within
    moment = received_at.astimezone(zone)
    day = moment.date()
    for _ in range(366):
        if hours.calendar.is_working_day(day):
            opens = datetime.combine(day, hours.opens, zone)
            closes = datetime.combine(day, hours.closes, zone)
            start = max(moment, opens)
            if start < closes:
                if start + remaining <= closes:
                    return (start + remaining).astimezone(UTC)
                remaining -= closes - start
        day += timedelta(days=1)
        moment = datetime.combine(day, time.min, zone)
    raise ValueError("these service hours have no working time in a year")
