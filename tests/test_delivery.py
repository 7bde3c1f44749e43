"""The outbox's delivery channels against real local servers: an HTTP server
that records what it is sent and answers as each test says, and a small SMTP
server speaking the commands smtplib uses. No mocks: what is checked is what
went over the socket."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest

from runtime.engine.delivery import (
    BODY_LIMIT,
    Delivery,
    HttpSmsProvider,
    SmsProvider,
    SmtpSettings,
    backoff,
    call_webhook,
    dingtalk_sign,
    provider_from_env,
    register_sms_provider,
    send_dingtalk,
    send_email,
    send_wecom,
    verify_signature,
)

# 2025-03-14T09:26:53.589Z
NOW = datetime(2025, 3, 14, 9, 26, 53, 589000, tzinfo=UTC)
NOW_SECONDS = 1741944413
NOW_MS = 1741944413589
SLOW = 0.3  # the client's timeout in the slow-answer tests; the server waits far longer


# --- a recording HTTP server ---------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"errcode": 0, "errmsg": "ok"}'
    content_type: str = "application/json; charset=utf-8"
    hold: bool = False  # wait (until the test ends) before answering


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[Request] = []
        self.answer = Answer()
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer_json(self, value: Any, status: int = 200) -> None:
        self.answer = Answer(status=status, body=json.dumps(value).encode())


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append(
            Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        answer = self.server.answer
        if answer.hold:
            self.server.release.wait(10)
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            pass  # the client gave up (timeout test)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: bound, then closed, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- webhooks ------------------------------------------------------------------------------


def _call(url: str, **overrides: Any) -> Delivery:
    arguments: dict[str, Any] = {
        "method": "POST",
        "headers": {},
        "body": '{"deal": 42}',
        "timeout_seconds": 5,
        "secret": None,
        "idempotency_key": "job-1",
        "now": NOW,
    }
    arguments.update(overrides)
    return call_webhook(url, **arguments)


def test_webhook_signs_the_timestamp_and_body(receiver: Receiver) -> None:
    receiver.answer_json({"received": True})
    body = '{"deal": 42, "owner": "张伟"}'
    result = _call(
        receiver.url + "/hooks/deal",
        headers={"X-Tenant": "east", "x-trellis-signature": "forged"},
        body=body,
        secret=b"s3cret",
        idempotency_key="outbox-17",
    )

    assert result == Delivery(True, 200, {"received": True}, "", False)
    [request] = receiver.requests
    assert request.method == "POST"
    assert request.path == "/hooks/deal"
    assert request.body.decode() == body
    headers = request.headers
    assert headers["x-trellis-timestamp"] == str(NOW_SECONDS)
    expected = hmac.new(b"s3cret", f"{NOW_SECONDS}.{body}".encode(), hashlib.sha256).hexdigest()
    assert headers["x-trellis-signature"] == f"sha256={expected}"
    assert verify_signature(
        b"s3cret", headers["x-trellis-timestamp"], body, headers["x-trellis-signature"]
    )
    assert headers["idempotency-key"] == "outbox-17"
    assert headers["user-agent"] == "Trellis"
    assert headers["content-type"] == "application/json"
    assert headers["x-tenant"] == "east"


def test_webhook_without_secret_is_unsigned_but_idempotent(receiver: Receiver) -> None:
    result = _call(receiver.url, method="put", headers={"Content-Type": "text/plain"}, body="hello")

    assert result.ok
    [request] = receiver.requests
    assert request.method == "PUT"
    assert "x-trellis-signature" not in request.headers
    assert "x-trellis-timestamp" not in request.headers
    assert request.headers["idempotency-key"] == "job-1"
    assert request.headers["content-type"] == "text/plain"


def test_webhook_without_body(receiver: Receiver) -> None:
    receiver.answer = Answer(status=204, body=b"", content_type="text/plain")
    result = _call(receiver.url, method="DELETE", body=None, secret=b"k")

    assert result == Delivery(True, 204, "", "", False)
    [request] = receiver.requests
    assert request.body == b""
    assert verify_signature(
        b"k", NOW_SECONDS, None, request.headers["x-trellis-signature"]
    ) and verify_signature(b"k", NOW_SECONDS, "", request.headers["x-trellis-signature"])


def test_verify_signature_refuses_tampering_and_old_calls() -> None:
    header = "sha256=" + hmac.new(b"k", b"100.{}", hashlib.sha256).hexdigest()
    at = datetime.fromtimestamp(100, UTC)

    assert verify_signature(b"k", 100, "{}", header)
    assert verify_signature(b"k", "100", "{}", header, now=at + timedelta(minutes=4))
    assert not verify_signature(b"k", 100, "{}", header, now=at + timedelta(minutes=6))
    assert not verify_signature(b"k", 100, "{} ", header)
    assert not verify_signature(b"other", 100, "{}", header)
    assert not verify_signature(b"k", 101, "{}", header)
    assert not verify_signature(b"k", "soon", "{}", header)
    assert not verify_signature(b"k", 100, "{}", header.upper())


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        *[(500, True), (502, True), (503, True), (429, True), (408, True)],
        *[(400, False), (401, False), (404, False), (410, False), (422, False)],
    ],
)
def test_webhook_failures_say_whether_to_retry(
    receiver: Receiver, status: int, retryable: bool
) -> None:
    receiver.answer_json({"error": "nope"}, status=status)
    result = _call(receiver.url)

    assert result == Delivery(False, status, {"error": "nope"}, f"HTTP {status}", retryable)


def test_webhook_redirect_is_not_followed(receiver: Receiver) -> None:
    receiver.answer = Answer(status=302, body=b"moved", content_type="text/plain")
    result = _call(receiver.url)

    assert (result.ok, result.status, result.retryable) == (False, 302, False)
    assert len(receiver.requests) == 1


def test_webhook_timeout_is_retryable(receiver: Receiver) -> None:
    receiver.answer = Answer(hold=True)
    result = _call(receiver.url, timeout_seconds=SLOW)

    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert result.error.startswith("timeout")


def test_webhook_refused_connection_is_retryable(closed_port: int) -> None:
    result = _call(f"http://127.0.0.1:{closed_port}/hook")

    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert result.error.startswith("network")


def test_webhook_that_cannot_be_sent_is_final(receiver: Receiver) -> None:
    for result in (
        _call("ftp://127.0.0.1/hook"),
        _call("http://127.0.0.1:port/hook"),
        _call(receiver.url, headers={"X-Owner": "张伟"}),  # header values are ASCII
    ):
        assert (result.ok, result.status, result.retryable) == (False, None, False)
        assert result.error.startswith("invalid request")
    assert receiver.requests == []


def test_webhook_answer_text_and_truncation(receiver: Receiver) -> None:
    receiver.answer = Answer(body="好的".encode(), content_type="text/plain; charset=utf-8")
    assert _call(receiver.url).body == "好的"

    receiver.answer = Answer(body=b"x" * (BODY_LIMIT * 3), content_type="text/plain")
    assert _call(receiver.url).body == "x" * BODY_LIMIT

    big = json.dumps({"items": ["y" * 100] * 200}).encode()
    receiver.answer = Answer(body=big)
    result = _call(receiver.url)
    assert result.ok and isinstance(result.body, str) and len(result.body) == BODY_LIMIT


def test_webhook_refuses_a_naive_now(receiver: Receiver) -> None:
    with pytest.raises(ValueError, match="timezone"):
        _call(receiver.url, secret=b"k", now=datetime(2025, 1, 1))


def test_backoff_grows_fourfold_up_to_an_hour() -> None:
    waits = [backoff(attempt) for attempt in range(1, 8)]

    assert waits == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=8),
        timedelta(minutes=32),
        timedelta(hours=1),
        timedelta(hours=1),
        timedelta(hours=1),
    ]
    assert backoff(10_000) == timedelta(hours=1)
    assert backoff(3) == backoff(3)
    with pytest.raises(ValueError):
        backoff(0)


# --- group robots --------------------------------------------------------------------------


def test_wecom_posts_the_text_message(receiver: Receiver) -> None:
    result = send_wecom(
        receiver.url + "/cgi-bin/webhook/send?key=abc",
        "线索 #42 已分配给 张伟",
        mentioned_mobiles=["13800000000"],
    )

    assert result == Delivery(True, 200, {"errcode": 0, "errmsg": "ok"}, "", False)
    [request] = receiver.requests
    assert request.method == "POST"
    assert request.query == {"key": ["abc"]}
    assert request.headers["content-type"].startswith("application/json")
    assert request.json() == {
        "msgtype": "text",
        "text": {"content": "线索 #42 已分配给 张伟", "mentioned_mobile_list": ["13800000000"]},
    }


def test_wecom_without_mentions_sends_an_empty_list(receiver: Receiver) -> None:
    send_wecom(receiver.url, "hi")

    assert receiver.requests[0].json() == {
        "msgtype": "text",
        "text": {"content": "hi", "mentioned_mobile_list": []},
    }


@pytest.mark.parametrize(
    ("errcode", "retryable"), [(93000, False), (40008, False), (45009, True), (-1, True)]
)
def test_wecom_errcode_is_a_failure(receiver: Receiver, errcode: int, retryable: bool) -> None:
    receiver.answer_json({"errcode": errcode, "errmsg": "invalid"})
    result = send_wecom(receiver.url, "hi")

    assert result == Delivery(
        False,
        200,
        {"errcode": errcode, "errmsg": "invalid"},
        f"errcode {errcode}: invalid",
        retryable,
    )


def test_robot_answer_without_errcode_is_a_failure(receiver: Receiver) -> None:
    receiver.answer = Answer(body=b"<html>gateway</html>", content_type="text/html")
    result = send_wecom(receiver.url, "hi")

    assert (result.ok, result.status, result.retryable) == (False, 200, False)
    assert result.body == "<html>gateway</html>"


def test_robot_http_failures_pass_through(receiver: Receiver, closed_port: int) -> None:
    receiver.answer_json({"errcode": 0}, status=500)
    result = send_wecom(receiver.url, "hi")
    assert (result.ok, result.status, result.retryable) == (False, 500, True)

    result = send_dingtalk(f"http://127.0.0.1:{closed_port}/robot/send", "hi", secret=None, now=NOW)
    assert (result.ok, result.status, result.retryable) == (False, None, True)

    receiver.answer = Answer(hold=True)
    result = send_wecom(receiver.url, "hi", timeout_seconds=SLOW)
    assert (result.ok, result.status, result.retryable) == (False, None, True)


def test_dingtalk_signs_the_url(receiver: Receiver) -> None:
    secret = "SEC0123456789abcdef"
    result = send_dingtalk(
        receiver.url + "/robot/send?access_token=tok",
        "审批待处理：折扣 15%",
        secret=secret,
        now=NOW,
        at_mobiles=["13900000000"],
    )

    assert result == Delivery(True, 200, {"errcode": 0, "errmsg": "ok"}, "", False)
    [request] = receiver.requests
    assert request.json() == {
        "msgtype": "text",
        "text": {"content": "审批待处理：折扣 15%"},
        "at": {"atMobiles": ["13900000000"], "isAtAll": False},
    }
    # DingTalk's formula: base64(HMAC-SHA256(key=secret, "{timestamp}\n{secret}")), URL-encoded.
    digest = hmac.new(secret.encode(), f"{NOW_MS}\n{secret}".encode(), hashlib.sha256).digest()
    signature = base64.b64encode(digest).decode()
    assert request.query == {
        "access_token": ["tok"],
        "timestamp": [str(NOW_MS)],
        "sign": [signature],
    }
    assert request.path.endswith(f"&timestamp={NOW_MS}&sign={quote_plus(signature)}")
    assert dingtalk_sign(secret, NOW_MS) == quote_plus(signature)


def test_dingtalk_sign_is_url_safe() -> None:
    # A timestamp whose signature has all of base64's URL-unsafe characters.
    for timestamp in range(NOW_MS, NOW_MS + 1000):
        digest = hmac.new(b"SECx", f"{timestamp}\nSECx".encode(), hashlib.sha256).digest()
        plain = base64.b64encode(digest).decode()
        if {"+", "/"} <= set(plain) and plain.endswith("="):
            break
    sign = dingtalk_sign("SECx", timestamp)

    assert not {"+", "/", "="} & set(sign)
    assert sign == quote_plus(plain)


def test_dingtalk_without_secret_leaves_the_url_alone(receiver: Receiver) -> None:
    send_dingtalk(receiver.url + "/robot/send?access_token=tok", "hi", secret=None, now=NOW)

    [request] = receiver.requests
    assert request.query == {"access_token": ["tok"]}
    assert request.json() == {
        "msgtype": "text",
        "text": {"content": "hi"},
        "at": {"atMobiles": [], "isAtAll": False},
    }


@pytest.mark.parametrize(
    ("errcode", "retryable"), [(310000, False), (300001, False), (410100, True)]
)
def test_dingtalk_errcode_is_a_failure(receiver: Receiver, errcode: int, retryable: bool) -> None:
    receiver.answer_json({"errcode": errcode, "errmsg": "sign not match"})
    result = send_dingtalk(receiver.url + "/robot/send?access_token=t", "hi", secret="S", now=NOW)

    assert (result.ok, result.status, result.retryable) == (False, 200, retryable)
    assert result.error == f"errcode {errcode}: sign not match"


# --- e-mail --------------------------------------------------------------------------------


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class SmtpBehaviour:
    rcpt_replies: dict[str, str] = field(default_factory=dict)  # address -> "550 no such user"
    credentials: tuple[str, str] | None = None  # offer AUTH PLAIN and accept these


class SmtpServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP for smtplib: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.mails: list[Mail] = []
        self.logins: list[str] = []
        self.behaviour = SmtpBehaviour()

    @property
    def port(self) -> int:
        port: int = self.server_address[1]
        return port

    def settings(self, **overrides: Any) -> SmtpSettings:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "sender": "销售运营 <ops@trellis.test>",
            "timeout_seconds": 5,
        }
        values.update(overrides)
        return SmtpSettings(**values)


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def reply(self, *lines: str) -> None:
        for line in lines:
            self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        behaviour = self.server.behaviour
        self.reply("220 smtp.test ESMTP")
        sender, recipients = "", list[str]()
        while raw := self.rfile.readline():
            line = raw.decode().rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                offers = ["250-smtp.test"]
                if behaviour.credentials:
                    offers.append("250-AUTH PLAIN")
                self.reply(*offers, "250 HELP")
            elif verb == "HELO":
                self.reply("250 smtp.test")
            elif verb == "AUTH":
                mechanism, _, response = argument.partition(" ")
                _, user, password = base64.b64decode(response).decode().split("\0")
                if mechanism.upper() == "PLAIN" and (user, password) == behaviour.credentials:
                    self.server.logins.append(user)
                    self.reply("235 2.7.0 Authentication successful")
                else:
                    self.reply("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                sender, recipients = argument.split(":", 1)[1].strip().strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = argument.split(":", 1)[1].strip().strip("<>")
                answer = behaviour.rcpt_replies.get(address, "250 OK")
                if answer.startswith("250"):
                    recipients.append(address)
                self.reply(answer)
            elif verb == "DATA":
                if not recipients:
                    self.reply("554 no valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := self.rfile.readline()) != b".\r\n":
                    lines.append(data_line[1:] if data_line.startswith(b".") else data_line)
                self.server.mails.append(Mail(sender, recipients, b"".join(lines)))
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_email_with_a_chinese_subject_and_body(smtp: SmtpServer) -> None:
    body = "您好，\n\n线索「华东 – 上海某科技」已分配给您，请在 24 小时内跟进。\n"
    result = send_email(
        smtp.settings(), ["zhang.wei@example.cn", "li.na@example.cn"], "新线索：上海某科技", body
    )

    assert result == Delivery(True, 250, None, "", False)
    [mail] = smtp.mails
    assert mail.sender == "ops@trellis.test"
    assert mail.recipients == ["zhang.wei@example.cn", "li.na@example.cn"]
    assert mail.data.isascii()  # 7-bit clean: no 8BITMIME was offered
    message = mail.parsed()
    assert message["Subject"] == "新线索：上海某科技"
    assert message["From"] == "销售运营 <ops@trellis.test>"
    assert message["To"] == "zhang.wei@example.cn, li.na@example.cn"
    assert message["Message-ID"].endswith("@trellis.test>")
    assert message["Date"]
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n") == body


def test_email_logs_in(smtp: SmtpServer) -> None:
    smtp.behaviour.credentials = ("ops", "pa55")
    result = send_email(smtp.settings(username="ops", password="pa55"), ["a@x.cn"], "s", "t")

    assert result.ok
    assert smtp.logins == ["ops"]
    assert len(smtp.mails) == 1


def test_email_wrong_password_is_final(smtp: SmtpServer) -> None:
    smtp.behaviour.credentials = ("ops", "pa55")
    result = send_email(smtp.settings(username="ops", password="wrong"), ["a@x.cn"], "s", "t")

    assert (result.ok, result.status, result.retryable) == (False, 535, False)
    assert smtp.mails == []


@pytest.mark.parametrize(
    ("reply", "retryable"), [("550 no such user", False), ("451 try later", True)]
)
def test_email_all_recipients_refused(smtp: SmtpServer, reply: str, retryable: bool) -> None:
    smtp.behaviour.rcpt_replies = {"a@x.cn": reply}
    result = send_email(smtp.settings(), ["a@x.cn"], "s", "t")

    code, text = reply.split(" ", 1)
    assert result == Delivery(
        False, None, {"a@x.cn": (int(code), text)}, "all recipients refused", retryable
    )
    assert smtp.mails == []


def test_email_some_recipients_refused_is_delivered(smtp: SmtpServer) -> None:
    smtp.behaviour.rcpt_replies = {"gone@x.cn": "550 no such user"}
    result = send_email(smtp.settings(), ["a@x.cn", "gone@x.cn"], "s", "t")

    assert result == Delivery(
        True, 250, {"gone@x.cn": (550, "no such user")}, "refused: gone@x.cn", False
    )
    assert smtp.mails[0].recipients == ["a@x.cn"]


def test_email_starttls_not_offered_is_final(smtp: SmtpServer) -> None:
    result = send_email(smtp.settings(starttls=True), ["a@x.cn"], "s", "t")

    assert (result.ok, result.retryable) == (False, False)
    assert smtp.mails == []


def test_email_refused_connection_is_retryable(closed_port: int) -> None:
    settings = SmtpSettings("127.0.0.1", closed_port, "ops@trellis.test", timeout_seconds=5)
    result = send_email(settings, ["a@x.cn"], "s", "t")

    assert (result.ok, result.status, result.retryable) == (False, None, True)


def test_email_refuses_header_injection_and_no_recipients(smtp: SmtpServer) -> None:
    injected = send_email(smtp.settings(), ["a@x.cn"], "hi\r\nBcc: all@x.cn", "t")
    nobody = send_email(smtp.settings(), [], "s", "t")

    assert (injected.ok, injected.retryable) == (False, False)
    assert (nobody.ok, nobody.retryable) == (False, False)
    assert smtp.mails == []


def test_smtp_settings_from_env() -> None:
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"TRELLIS_SMTP_HOST": " "}) is None
    assert SmtpSettings.from_env(
        {
            "TRELLIS_SMTP_HOST": "smtp.example.cn",
            "TRELLIS_SMTP_PORT": "2525",
            "TRELLIS_SMTP_SENDER": "Trellis <t@example.cn>",
            "TRELLIS_SMTP_USERNAME": "t",
            "TRELLIS_SMTP_PASSWORD": "secret",
            "TRELLIS_SMTP_STARTTLS": "true",
        }
    ) == SmtpSettings("smtp.example.cn", 2525, "Trellis <t@example.cn>", "t", "secret", True)
    defaults = SmtpSettings.from_env({"TRELLIS_SMTP_HOST": "mx.example.cn"})
    assert defaults == SmtpSettings("mx.example.cn", 25, "trellis@mx.example.cn")
    with_tls = SmtpSettings.from_env({"TRELLIS_SMTP_HOST": "mx", "TRELLIS_SMTP_STARTTLS": "1"})
    assert with_tls is not None and (with_tls.port, with_tls.starttls) == (587, True)
    with pytest.raises(ValueError, match="TRELLIS_SMTP_PORT"):
        SmtpSettings.from_env({"TRELLIS_SMTP_HOST": "mx", "TRELLIS_SMTP_PORT": "smtp"})
    assert "secret" not in repr(SmtpSettings("h", 25, "s", "u", "secret"))


# --- SMS -----------------------------------------------------------------------------------


def test_http_sms_provider_posts_with_a_bearer_token(receiver: Receiver) -> None:
    receiver.answer_json({"id": "m-1"})
    provider: SmsProvider = HttpSmsProvider(receiver.url + "/sms", "tok-9")
    result = provider.send("+8613800000000", "【Trellis】审批已通过")

    assert result == Delivery(True, 200, {"id": "m-1"}, "", False)
    [request] = receiver.requests
    assert request.path == "/sms"
    assert request.headers["authorization"] == "Bearer tok-9"
    assert request.json() == {"to": "+8613800000000", "text": "【Trellis】审批已通过"}
    assert "tok-9" not in repr(provider)


def test_http_sms_provider_failures(receiver: Receiver, closed_port: int) -> None:
    receiver.answer_json({"error": "bad token"}, status=401)
    assert HttpSmsProvider(receiver.url, "x").send("1", "t") == Delivery(
        False, 401, {"error": "bad token"}, "HTTP 401", False
    )
    refused = HttpSmsProvider(f"http://127.0.0.1:{closed_port}").send("1", "t")
    assert (refused.ok, refused.retryable) == (False, True)


def test_sms_provider_from_env() -> None:
    assert provider_from_env({}) is None
    assert provider_from_env({"TRELLIS_SMS_URL": "http://gw/sms", "TRELLIS_SMS_TOKEN": "t"}) == (
        HttpSmsProvider("http://gw/sms", "t")
    )
    assert provider_from_env({"TRELLIS_SMS_PROVIDER": "http", "TRELLIS_SMS_URL": "http://gw"}) == (
        HttpSmsProvider("http://gw", None)
    )
    with pytest.raises(ValueError, match="TRELLIS_SMS_URL"):
        provider_from_env({"TRELLIS_SMS_PROVIDER": "http"})
    with pytest.raises(ValueError, match="not registered"):
        provider_from_env({"TRELLIS_SMS_PROVIDER": "carrier-pigeon"})


@dataclass(frozen=True)
class _Outbox:
    """A provider of a deployment's own: keeps what it is asked to send."""

    region: str
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, text: str) -> Delivery:
        self.sent.append((phone, text))
        return Delivery(True, None, None, "", False)


def test_a_deployment_plugs_in_its_own_sms_provider() -> None:
    def factory(env: Any) -> SmsProvider:
        return _Outbox(env["ALIYUN_REGION"])

    register_sms_provider("test-own", factory)
    register_sms_provider("test-own", factory)  # the same again is harmless
    provider = provider_from_env({"TRELLIS_SMS_PROVIDER": "test-own", "ALIYUN_REGION": "cn-hz"})

    assert isinstance(provider, _Outbox) and provider.region == "cn-hz"
    assert isinstance(provider, SmsProvider)
    assert provider.send("1", "t").ok and provider.sent == [("1", "t")]
    with pytest.raises(ValueError, match="registered already"):
        register_sms_provider("test-own", lambda env: _Outbox("other"))
    with pytest.raises(ValueError, match="registered already"):
        register_sms_provider("http", factory)
