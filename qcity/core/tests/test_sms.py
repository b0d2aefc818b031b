import hashlib
import hmac
import io
import json
import urllib.error
from unittest import mock

import pytest
from django.test import override_settings

from qcity.core import sms


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


class FakeResponse(io.BytesIO):
    def __init__(self, body: bytes, status: int = 200):
        super().__init__(body)
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def gateway(**kw):
    return sms.HttpGatewaySmsBackend(url="https://sms.example.gov.cn/send", app_id="qcity", secret="s3cret",
                                     timeout=3, sign="", **kw)


def test_sms_send_goes_through_the_configured_backend_into_the_outbox():
    # when a verification code is sent (test settings: the locmem backend)
    sms.sms_send(to="13812345678", text="验证码 123456")  # i18n-ignore: test data
    # then it is in the outbox, as sent
    assert sms.outbox == [sms.SmsMessage(to="13812345678", text="验证码 123456")]  # i18n-ignore: test data


def test_the_text_of_a_message_is_never_logged(caplog):
    with caplog.at_level("DEBUG", logger="qcity.core.sms"):
        sms.sms_send(to="13812345678", text="code 987654")
    assert "987654" not in caplog.text and "13812345678" not in caplog.text and "138****5678" in caplog.text


def test_file_backend_writes_one_file_per_message(tmp_path):
    with override_settings(QCITY_SMS_BACKEND="qcity.core.sms.FileSmsBackend", QCITY_SMS_FILE_PATH=tmp_path):
        sms.sms_send(to="13812345678", text="one")
        sms.sms_send(to="13912345678", text="two")
    texts = sorted(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    assert len(texts) == 2 and "To: 13812345678" in texts[0] and texts[1].endswith("two\n")


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    sms.ConsoleSmsBackend(stream=stream).send_messages([sms.SmsMessage("13812345678", "hello")])
    assert "13812345678" in stream.getvalue() and "hello" in stream.getvalue()


def test_gateway_posts_signed_json_with_a_timeout():
    # given a gateway that accepts
    opener = mock.Mock()
    opener.open.return_value = FakeResponse(b'{"code": 0, "message": "ok"}')
    # when a message is sent
    with mock.patch("urllib.request.build_opener", return_value=opener):
        gateway().send_messages([sms.SmsMessage("13812345678", "hello")])
    # then one POST of JSON, signed with HMAC-SHA256 over timestamp + body, with the timeout
    request, = [c.args[0] for c in opener.open.call_args_list]
    assert opener.open.call_args.kwargs["timeout"] == 3
    assert request.get_method() == "POST" and request.full_url == "https://sms.example.gov.cn/send"
    body = json.loads(request.data)
    assert body["mobile"] == "13812345678" and body["content"] == "hello" and body["app_id"] == "qcity"
    headers = {k.lower(): v for k, v in request.header_items()}
    expected = hmac.new(b"s3cret", headers["x-timestamp"].encode() + request.data, hashlib.sha256).hexdigest()
    assert headers["x-signature"] == expected and headers["x-app-id"] == "qcity"
    assert headers["x-timestamp"] == body["timestamp"] and headers["content-type"].startswith("application/json")


def test_gateway_sign_is_put_in_front_of_the_text():
    request = sms.HttpGatewaySmsBackend(url="https://x.example/", app_id="a", secret="b", timeout=1,
                                        sign="QCITY").request_for(sms.SmsMessage("13812345678", "hi"))
    assert json.loads(request.data)["content"].endswith("QCITY\u3011hi")


@pytest.mark.parametrize("failure", [
    urllib.error.URLError("connection refused"),
    TimeoutError("timed out"),
    urllib.error.HTTPError("https://sms.example.gov.cn/send", 503, "down", {}, None),
])
def test_gateway_down_raises_sms_send_error_naming_only_the_masked_number(failure):
    opener = mock.Mock()
    opener.open.side_effect = failure
    with mock.patch("urllib.request.build_opener", return_value=opener), pytest.raises(sms.SmsSendError) as exc:
        gateway().send_messages([sms.SmsMessage("13812345678", "secret text")])
    assert "138****5678" in str(exc.value) and "13812345678" not in str(exc.value) and "secret" not in str(exc.value)


def test_gateway_refusal_in_the_answer_is_an_error():
    opener = mock.Mock()
    opener.open.return_value = FakeResponse(b'{"code": 40001, "message": "bad signature"}')
    with mock.patch("urllib.request.build_opener", return_value=opener), pytest.raises(sms.SmsSendError,
                                                                                      match="bad signature"):
        gateway().send_messages([sms.SmsMessage("13812345678", "hello")])


def test_gateway_without_url_refuses_to_start():
    with override_settings(QCITY_SMS_GATEWAY_URL=""), pytest.raises(sms.SmsSendError):
        sms.HttpGatewaySmsBackend()
