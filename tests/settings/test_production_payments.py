"""Production settings refuse to start with a PSP nobody chose, or with a public secret: as
shipped, the fake PSP (which authorises any "tok_…") was the production default."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

PSP_VARIABLES = (
    "COMPTOIR_PSP",
    "COMPTOIR_FAKE_PSP_SECRET",
    "COMPTOIR_STRIPE_SECRET_KEY",
    "COMPTOIR_STRIPE_WEBHOOK_SECRET",
)


def _production(monkeypatch, **environment):
    """Read settings/production.py as the server would, with this environment."""
    for name in PSP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COMPTOIR_SECRET_KEY", "a-production-secret")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module("comptoir.settings.production")


def test_no_psp_named_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="COMPTOIR_PSP must be set"):
        _production(monkeypatch)


def test_the_fake_psp_named_with_its_public_secret_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="public default"):
        _production(
            monkeypatch, COMPTOIR_PSP="fake", COMPTOIR_FAKE_PSP_SECRET="fake-psp-local-secret"
        )


def test_the_fake_psp_named_without_a_secret_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="COMPTOIR_FAKE_PSP_SECRET must be set"):
        _production(monkeypatch, COMPTOIR_PSP="fake")


def test_the_fake_psp_named_with_a_secret_of_its_own_runs(monkeypatch):
    settings = _production(monkeypatch, COMPTOIR_PSP="fake", COMPTOIR_FAKE_PSP_SECRET="s3cr3t")

    assert (settings["COMPTOIR_PSP"], settings["FAKE_PSP_WEBHOOK_SECRET"]) == ("fake", "s3cr3t")


@pytest.mark.parametrize(
    "missing", ["COMPTOIR_STRIPE_SECRET_KEY", "COMPTOIR_STRIPE_WEBHOOK_SECRET"]
)
def test_stripe_without_its_keys_is_refused(monkeypatch, missing):
    keys = {"COMPTOIR_STRIPE_SECRET_KEY": "sk_live_x", "COMPTOIR_STRIPE_WEBHOOK_SECRET": "whsec_x"}
    del keys[missing]

    with pytest.raises(ImproperlyConfigured, match=f"{missing} must be set"):
        _production(monkeypatch, COMPTOIR_PSP="stripe", **keys)


def test_stripe_with_its_keys_runs(monkeypatch):
    settings = _production(
        monkeypatch,
        COMPTOIR_PSP="stripe",
        COMPTOIR_STRIPE_SECRET_KEY="sk_live_x",
        COMPTOIR_STRIPE_WEBHOOK_SECRET="whsec_x",
    )

    assert (settings["COMPTOIR_STRIPE_SECRET_KEY"], settings["COMPTOIR_STRIPE_WEBHOOK_SECRET"]) == (
        "sk_live_x",
        "whsec_x",
    )
    # Nobody can sign the fake PSP's webhooks, still routed, with its public secret.
    assert settings["FAKE_PSP_WEBHOOK_SECRET"] != "fake-psp-local-secret"


def test_an_unknown_psp_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="known are"):
        _production(monkeypatch, COMPTOIR_PSP="adyen")


def test_the_server_does_not_start_with_the_fake_psp_by_default(tmp_path):
    """The real command, as an operator would run it: it stops before serving anything."""
    environment = {key: value for key, value in os.environ.items() if key not in PSP_VARIABLES} | {
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
        "COMPTOIR_SECRET_KEY": "a-production-secret",
        "COMPTOIR_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).parents[2] / "src"),
    }

    run = subprocess.run(
        [sys.executable, "-m", "comptoir", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode != 0
    assert "COMPTOIR_PSP must be set in production" in run.stderr
