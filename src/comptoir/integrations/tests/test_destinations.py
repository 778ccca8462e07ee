"""Which webhook URLs comptoir refuses: literal addresses and `localhost` resolve for real;
names that would resolve to private addresses are given their own resolver."""

from __future__ import annotations

import pytest
from django.test import override_settings

from comptoir.integrations.destinations import (
    ResolutionCache,
    check_delivery_address,
    check_subscription_url,
)
from comptoir.integrations.errors import InvalidWebhookUrl

NO_ALLOWED_NETWORK = override_settings(WEBHOOK_ALLOWED_NETWORKS=[])


class resolving_to:  # noqa: N801 - reads as a phrase where it is used
    """A resolver that answers `addresses` for any name and remembers what it was asked."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.asked: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        return self.addresses


def refusal(url: str, **kwargs) -> str:
    with pytest.raises(InvalidWebhookUrl) as refused:
        check_subscription_url(url, **kwargs)
    assert refused.value.status == 422
    [error] = refused.value.errors
    assert error["field"] == "url"
    return error["message"]


@NO_ALLOWED_NETWORK
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        pytest.param("https://127.0.0.1/hooks", "loopback", id="loopback"),
        pytest.param("https://localhost:8443/hooks", "loopback", id="localhost_by_name"),
        pytest.param("https://[::1]/hooks", "loopback", id="ipv6_loopback"),
        pytest.param("https://169.254.169.254/latest/meta-data/", "metadata", id="aws_metadata"),
        pytest.param("https://169.254.10.1/", "link-local", id="link_local"),
        pytest.param("https://[fe80::1]/", "link-local", id="ipv6_link_local"),
        pytest.param("https://[fd00:ec2::254]/", "metadata", id="aws_metadata_ipv6"),
        pytest.param("https://10.0.0.5/", "private", id="rfc1918_10"),
        pytest.param("https://172.16.3.4/", "private", id="rfc1918_172"),
        pytest.param("https://192.168.1.1/", "private", id="rfc1918_192"),
        pytest.param("https://[fc00::1]/", "private", id="unique_local"),
        pytest.param("https://0.0.0.0/", "unspecified", id="unspecified"),
        pytest.param("https://224.0.0.1/", "multicast", id="multicast"),
        pytest.param("https://240.0.0.1/", "reserved", id="reserved"),
        pytest.param("https://100.64.0.1/", "reserved", id="cgnat"),
        pytest.param("https://[::ffff:127.0.0.1]/", "loopback", id="ipv4_mapped_loopback"),
        pytest.param("https://[::ffff:169.254.169.254]/", "metadata", id="ipv4_mapped_metadata"),
        pytest.param("https://[64:ff9b::a00:1]/", "private", id="nat64_private"),
        pytest.param("https://2130706433/", "loopback", id="decimal_ipv4"),
    ],
)
def test_an_address_that_is_not_public_is_refused(url, reason):
    assert reason in refusal(url)


@NO_ALLOWED_NETWORK
def test_a_name_that_resolves_to_a_private_address_is_refused():
    resolve = resolving_to("93.184.215.14", "10.1.2.3")

    message = refusal("https://crm.example.com/hooks", resolve=resolve)

    assert message == "crm.example.com resolves to a private address"
    assert resolve.asked == [("crm.example.com", 443)]


@NO_ALLOWED_NETWORK
def test_a_cloud_metadata_name_is_refused_before_it_is_resolved():
    resolve = resolving_to("93.184.215.14")

    assert "metadata" in refusal(
        "https://metadata.google.internal/computeMetadata/v1/", resolve=resolve
    )
    assert resolve.asked == []


@NO_ALLOWED_NETWORK
def test_a_public_https_address_is_accepted():
    check_subscription_url(
        "https://crm.example.com:8443/hooks?x=1", resolve=resolving_to("93.184.215.14")
    )
    check_subscription_url("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hooks")


@NO_ALLOWED_NETWORK
def test_plain_http_to_a_public_address_is_refused():
    assert refusal("http://crm.example.com/hooks", resolve=resolving_to("93.184.215.14")) == (
        "an https URL"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            "https://user:pw@crm.example.com/",
            "no user name or password in the URL",
            id="credentials",
        ),
        pytest.param(
            "https://token@crm.example.com/", "no user name or password in the URL", id="user_only"
        ),
        pytest.param("https://crm.example.com/hooks#x", "no #fragment", id="fragment"),
        pytest.param("ftp://crm.example.com/", "an absolute https URL", id="not_http"),
        pytest.param("/hooks/comptoir", "an absolute https URL", id="relative"),
        pytest.param("https://crm.example.com:99999/", "a valid host and port", id="bad_port"),
        pytest.param("https://[::1/hooks", "a valid host and port", id="unclosed_bracket"),
    ],
)
def test_a_url_that_is_not_a_plain_https_address_is_refused(url, message):
    assert refusal(url, resolve=resolving_to("93.184.215.14")) == message


def test_a_host_that_does_not_resolve_is_refused():
    assert refusal("https://nothing-here.invalid/hooks") == "the host does not resolve"


@override_settings(WEBHOOK_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_an_allowed_network_may_receive_webhooks_over_http():
    check_subscription_url("http://crm.internal/hooks", resolve=resolving_to("10.20.1.2"))

    assert refusal("http://other.internal/hooks", resolve=resolving_to("10.21.1.2")) == (
        "other.internal resolves to a private address"
    )


@override_settings(WEBHOOK_ALLOWED_NETWORKS=["127.0.0.0/8", "::1/128"])
def test_the_test_settings_allow_receivers_on_this_machine():
    check_subscription_url("http://127.0.0.1:8000/hooks")
    check_subscription_url("http://localhost:8000/hooks")


@NO_ALLOWED_NETWORK
def test_at_delivery_time_a_name_that_moved_to_a_private_address_is_refused():
    check_delivery_address("https://crm.example.com/hooks", resolve=resolving_to("93.184.215.14"))

    with pytest.raises(InvalidWebhookUrl, match="resolves to 169.254.169.254"):
        check_delivery_address(
            "https://crm.example.com/hooks", resolve=resolving_to("169.254.169.254")
        )


@NO_ALLOWED_NETWORK
def test_at_delivery_time_resolution_is_cached_per_host_for_a_few_seconds():
    clock = [100.0]
    resolve = resolving_to("93.184.215.14")
    cached = ResolutionCache(resolve, ttl=5.0, monotonic=lambda: clock[0])

    for _ in range(3):
        check_delivery_address("https://crm.example.com/a", resolve=cached)
    clock[0] += 5.1
    check_delivery_address("https://crm.example.com/b", resolve=cached)

    assert resolve.asked == [("crm.example.com", 443), ("crm.example.com", 443)]
