"""Sending SMS: one call, `sms_send(to=..., text=...)`, through the backend named by `QCITY_SMS_BACKEND`, in the
manner of Django's e-mail backends.

| backend | for | what it does |
|---|---|---|
| `qcity.core.sms.ConsoleSmsBackend` (default) | the embedded set-up, development | writes each message to stdout |
| `qcity.core.sms.FileSmsBackend` | a test server, a demo | one file per message under `QCITY_SMS_FILE_PATH` (var/sms/) |
| `qcity.core.sms.LocmemSmsBackend` | tests | appends to `qcity.core.sms.outbox` |
| `qcity.core.sms.HttpGatewaySmsBackend` | production | the provincial government SMS platform (短信网关) |

The HTTP gateway. Each message is one `POST` of a JSON body to `QCITY_SMS_GATEWAY_URL`:

    {"app_id": "<QCITY_SMS_GATEWAY_APP_ID>", "timestamp": "1780000000", "nonce": "<32 hex>",
     "mobile": "13812345678", "content": "【<sign>】..."}

with the headers `X-App-Id`, `X-Timestamp`, `X-Nonce` and `X-Signature`, the lower-case hex
HMAC-SHA256, keyed with `QCITY_SMS_GATEWAY_APP_SECRET`, of the timestamp followed by the exact body bytes
(`timestamp + body`), so the platform can check both the sender and that the body was not changed; the
timestamp lets it refuse replays. The platform answers HTTP 200 with `{"code": 0, ...}` when it accepted
the message; any other status, a `code` other than 0, a timeout (`QCITY_SMS_GATEWAY_TIMEOUT`, seconds)
or a network error raises `SmsSendError`. The message text is never logged (it may be a phone
verification code); only the masked number is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_finding
from .personal_data import MOBILE, Finding

logger = logging.getLogger(__name__)

# Messages sent through LocmemSmsBackend (tests read and clear it, as Django's mail.outbox).
outbox: list[SmsMessage] = []


class SmsSendError(Exception):
    """The message was not accepted; the caller decides whether to retry."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


def masked_number(number: str) -> str:
    """138****5678: what logs and error messages may show of a number."""
    return mask_finding(Finding(MOBILE, 0, len(number), number)) if number else ""


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send each message; raise SmsSendError on the first that is not accepted. Returns the number sent."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            self.stream.write(f"SMS to {message.to}\n{message.text}\n{'-' * 40}\n")
        self.stream.flush()
        return len(messages)


class FileSmsBackend(BaseSmsBackend):
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or settings.QCITY_SMS_FILE_PATH)

    def send_messages(self, messages: list[SmsMessage]) -> int:
        self.path.mkdir(parents=True, exist_ok=True)
        for message in messages:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.txt"
            (self.path / name).write_text(f"To: {message.to}\n\n{message.text}\n", encoding="utf-8")
        return len(messages)


class LocmemSmsBackend(BaseSmsBackend):
    outbox = outbox

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def gateway_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).hexdigest()


class HttpGatewaySmsBackend(BaseSmsBackend):
    """The provincial SMS platform (see the module docstring for the request)."""

    def __init__(self, url: str | None = None, app_id: str | None = None, secret: str | None = None,
                 timeout: float | None = None, sign: str | None = None):
        self.url = url or settings.QCITY_SMS_GATEWAY_URL
        self.app_id = app_id if app_id is not None else settings.QCITY_SMS_GATEWAY_APP_ID
        self.secret = secret if secret is not None else settings.QCITY_SMS_GATEWAY_APP_SECRET
        self.timeout = timeout or settings.QCITY_SMS_GATEWAY_TIMEOUT
        self.sign = sign if sign is not None else settings.QCITY_SMS_SIGN
        if not self.url:
            raise SmsSendError("QCITY_SMS_GATEWAY_URL is not set")

    def request_for(self, message: SmsMessage) -> urllib.request.Request:
        timestamp = str(int(time.time()))
        content = f"【{self.sign}】{message.text}" if self.sign else message.text
        body = json.dumps({"app_id": self.app_id, "timestamp": timestamp, "nonce": secrets.token_hex(16),
                           "mobile": message.to, "content": content}, ensure_ascii=False).encode()
        return urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-App-Id": self.app_id,
            "X-Timestamp": timestamp,
            "X-Nonce": json.loads(body)["nonce"],
            "X-Signature": gateway_signature(self.secret, timestamp, body),
        })

    def send_messages(self, messages: list[SmsMessage]) -> int:
        opener = urllib.request.build_opener()
        for message in messages:
            try:
                with opener.open(self.request_for(message), timeout=self.timeout) as response:
                    status, raw = response.status, response.read(65536)
            except urllib.error.HTTPError as exc:
                raise SmsSendError(f"gateway HTTP {exc.code} for {masked_number(message.to)}") from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise SmsSendError(f"gateway unreachable for {masked_number(message.to)}: {reason}") from None
            try:
                answer = json.loads(raw or b"{}")
            except ValueError:
                answer = {}
            if status != 200 or not isinstance(answer, dict) or answer.get("code") not in (0, "0"):
                detail = answer.get("message", "") if isinstance(answer, dict) else ""
                raise SmsSendError(f"gateway refused {masked_number(message.to)}: HTTP {status} {detail}"[:300])
        return len(messages)


def sms_backend() -> BaseSmsBackend:
    return import_string(settings.QCITY_SMS_BACKEND)()


def sms_send(*, to: str, text: str) -> None:
    """Send one SMS now (a phone verification code, a delivery of a notification). Raises SmsSendError when
    the backend did not accept it; the text is never logged."""
    sms_backend().send_messages([SmsMessage(to=to, text=text)])
    logger.info("SMS sent to %s", masked_number(to))
