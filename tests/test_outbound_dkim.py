"""Outbound mail is DKIM-signed when a key is configured, and the signature verifies."""

import base64
import re
import subprocess

import dkim
import pytest

from tests.conftest import email_fixture

ANA = "ana.diaz@example.com"


@pytest.fixture
def dkim_key(tmp_path):
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout
    return key, base64.b64encode(public)


@pytest.fixture
def settings(settings, dkim_key):
    return settings.with_overrides(dkim_key_file=str(dkim_key[0]), dkim_selector="csba2026")


async def test_answers_are_dkim_signed_when_a_key_is_configured(service, dkim_key):
    await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    await service.dispatch()
    [answer] = service.mail.to(ANA)
    signature = answer["DKIM-Signature"]
    assert re.search(r"\bd=support\.example\.com\b", signature)
    assert re.search(r"\bs=csba2026\b", signature)

    def dns(name, timeout=5):
        assert name == b"csba2026._domainkey.support.example.com."
        return b"v=DKIM1; k=rsa; p=" + dkim_key[1]

    raw = answer.as_bytes().replace(b"\n", b"\r\n")
    assert dkim.verify(raw, dnsfunc=dns)
