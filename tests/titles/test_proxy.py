"""Behind a reverse proxy: exactly PROXY_HOPS trusted hops, nothing a direct client can forge."""

import ipaddress

import pytest
from django.test import RequestFactory

from tests.factories import PASSWORD, UserFactory
from titles.middleware import ProxyHeadersMiddleware, client_ip

PROXY = "172.30.57.10"  # the nginx container on the front network


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_HOPS = 1
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("172.30.57.0/24")]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def seen(remote: str, forwarded: str | None = None, **headers) -> tuple[str | None, bool]:
    """(client address, is secure) as the site sees a request from ``remote``."""
    meta = {"REMOTE_ADDR": remote, **headers}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    ProxyHeadersMiddleware(lambda r: None)(request)
    return client_ip(request), request.is_secure()


def test_without_a_proxy_the_forwarded_headers_are_ignored(settings):
    settings.BEHIND_PROXY = False
    assert seen("198.51.100.7", "203.0.113.1") == ("198.51.100.7", False)


def test_one_hop_takes_the_address_the_proxy_appended(behind_proxy):
    forged_then_real = "203.0.113.1, 198.51.100.7"
    assert seen(PROXY, forged_then_real, HTTP_X_FORWARDED_PROTO="https") == ("198.51.100.7", True)
    assert seen(PROXY, "198.51.100.7") == ("198.51.100.7", False)


def test_two_hops_take_the_address_the_outer_proxy_appended(behind_proxy):
    behind_proxy.PROXY_HOPS = 2
    # client -> load balancer (appends the client) -> nginx (appends the balancer) -> web
    assert seen(PROXY, "203.0.113.1, 198.51.100.7, 10.9.0.5") == ("198.51.100.7", False)


def test_a_direct_client_cannot_forge_its_address_or_https(behind_proxy):
    assert seen("198.51.100.66", "203.0.113.1", HTTP_X_FORWARDED_PROTO="https") == (
        "198.51.100.66",
        False,
    )


def test_a_chain_shorter_than_the_hops_gives_the_farthest_known(behind_proxy):
    behind_proxy.PROXY_HOPS = 3
    assert seen(PROXY, "198.51.100.7") == ("198.51.100.7", False)


def test_a_malformed_entry_falls_back_to_the_peer(behind_proxy):
    assert seen(PROXY, "not-an-address") == (PROXY, False)


def sign_in(client, **meta):
    return client.post("/accounts/login/", {"username": "zhang", "password": "wrong"}, **meta)


@pytest.mark.django_db
def test_a_direct_client_forging_addresses_is_still_locked_out(client, behind_proxy):
    UserFactory(username="zhang")
    statuses = [
        sign_in(
            client, REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_clients_behind_the_proxy_are_counted_apart(client, behind_proxy):
    UserFactory(username="zhang")
    for _ in range(5):
        sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == (
        429
    )
    # A client writing the locked address in front of its own is counted as itself.
    other = client.post(
        "/accounts/login/",
        {"username": "zhang", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8",
    )
    assert other.status_code == 302
