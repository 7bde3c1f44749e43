"""E-mail notifications over SMTP (smtplib), UTF-8 subjects and bodies.

The message is 7-bit clean on the wire (RFC 2047 headers, base64 or
quoted-printable body), so a Chinese subject arrives intact through servers
that do not announce 8BITMIME. SMTP's reply classes decide retries: 4xx is
"try again later", 5xx is final.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from .result import Delivery

__all__ = ["SmtpSettings", "send_email"]

_POLICY = policy.SMTP.clone(cte_type="7bit")
_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom to send. ``sender`` may carry a name: ``销售运营 <ops@example.cn>``."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout_seconds: float = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """From ``TRELLIS_SMTP_*``; ``None`` when no host is set (e-mail is off).

        The port defaults to 587 with STARTTLS, else 25; the sender to
        ``trellis@<host>``.
        """
        host = env.get("TRELLIS_SMTP_HOST", "").strip()
        if not host:
            return None
        starttls = env.get("TRELLIS_SMTP_STARTTLS", "").strip().lower() in _TRUE
        port_text = env.get("TRELLIS_SMTP_PORT", "").strip()
        try:
            port = int(port_text) if port_text else (587 if starttls else 25)
        except ValueError:
            raise ValueError(f"TRELLIS_SMTP_PORT must be a number, not {port_text!r}") from None
        return cls(
            host=host,
            port=port,
            sender=env.get("TRELLIS_SMTP_SENDER", "").strip() or f"trellis@{host}",
            username=env.get("TRELLIS_SMTP_USERNAME") or None,
            password=env.get("TRELLIS_SMTP_PASSWORD") or None,
            starttls=starttls,
        )


def send_email(settings: SmtpSettings, to: list[str], subject: str, text: str) -> Delivery:
    """Send one plain-text message to ``to``; never raises for SMTP or network trouble.

    ``status`` is 250 on success. When the server takes the message but
    refuses some recipients, the delivery is ``ok`` (retrying would send it
    again to the others) and ``body`` maps each refused address to its reply.
    """
    if not to:
        return Delivery(False, None, None, "no recipients", False)
    try:
        message = _message(settings.sender, to, subject, text)
    except ValueError as exc:
        # A line break in a header (injection) or an address that cannot be written.
        return Delivery(False, None, None, f"invalid message: {exc}", False)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            refused = smtp.send_message(
                message, from_addr=parseaddr(settings.sender)[1], to_addrs=to
            )
    except smtplib.SMTPRecipientsRefused as exc:
        replies = {address: _reply(code, text) for address, (code, text) in exc.recipients.items()}
        transient = all(400 <= code < 500 for code, _ in exc.recipients.values())
        return Delivery(False, None, replies, "all recipients refused", transient)
    except smtplib.SMTPResponseException as exc:
        # Sender refused, data refused, authentication failed, ...
        code = exc.smtp_code
        body = _reply(code, exc.smtp_error)
        return Delivery(False, code, body, f"SMTP {code}: {body[1]}", 400 <= code < 500)
    except smtplib.SMTPNotSupportedError as exc:
        # e.g. STARTTLS asked for but not offered: settings to fix.
        return Delivery(False, None, None, f"not supported: {exc}", False)
    except ssl.SSLCertVerificationError as exc:
        return Delivery(False, None, None, f"TLS: {exc}", False)
    except (smtplib.SMTPException, OSError) as exc:
        # Refused or dropped connection, timeout, TLS handshake, DNS.
        return Delivery(False, None, None, f"{type(exc).__name__}: {exc}", True)
    if refused:
        replies = {address: _reply(code, text) for address, (code, text) in refused.items()}
        return Delivery(True, 250, replies, f"refused: {', '.join(sorted(refused))}", False)
    return Delivery(True, 250, None, "", False)


def _message(sender: str, to: list[str], subject: str, text: str) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # A domain of our own: make_msgid() would otherwise ask DNS for this host's name.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "trellis.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    return message


def _reply(code: int, text: bytes | str) -> tuple[int, str]:
    return code, text.decode(errors="replace") if isinstance(text, bytes) else text
