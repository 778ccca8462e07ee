"""Settings read from the environment, with safe local defaults (SQLite under ./var/)."""

import ipaddress
import os
from pathlib import Path

import dj_database_url

VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("COMPTOIR_DEBUG", "1") == "1"
# A fixed key is only acceptable for the local demo; production sets COMPTOIR_SECRET_KEY.
SECRET_KEY = os.environ.get("COMPTOIR_SECRET_KEY", "insecure-local-demo-key-change-me")
ALLOWED_HOSTS = os.environ.get("COMPTOIR_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "comptoir.core",
    "comptoir.catalog",
    "comptoir.locations",
    "comptoir.inventory",
    "comptoir.accounts",
    "comptoir.customers",
    "comptoir.carts",
    "comptoir.orders",
    "comptoir.fulfilment",
    "comptoir.returns",
    "comptoir.shipping",
    "comptoir.notifications",
    "comptoir.service",
    "comptoir.integrations",
    "comptoir.worker",
    "comptoir.demo",
    "comptoir.web",
]

MIDDLEWARE = [
    "comptoir.core.request_id.RequestIdMiddleware",
    "comptoir.core.api_edge.ApiEdgeMiddleware",
    "comptoir.core.nul_bytes.RejectNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "comptoir.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "comptoir.web.middleware.PlainErrorsMiddleware",
]

# A refused CSRF check answers problem+json under /api/, Django's page elsewhere.
CSRF_FAILURE_VIEW = "comptoir.core.api_edge.csrf_failure"

ROOT_URLCONF = os.environ.get("COMPTOIR_ROOT_URLCONF", "comptoir.urls")  # bench adds peers
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.web.context.frame",
            ]
        },
    }
]


def database_from_url(url: str) -> dict:
    """One database from a URL; SQLite gets WAL, a busy timeout and IMMEDIATE writers.

    On SQLite `select_for_update` is a no-op, so a writer must take the write lock when
    its transaction begins (IMMEDIATE) or two writers can both read and then collide.
    """
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_MAX_AGE"] = int(os.environ.get("COMPTOIR_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True  # a round trip only if the server has spoken:
        config["ENGINE"] = "comptoir.core.postgresql"  # see core/postgresql/base.py
        # Parameters travel apart from the SQL, so a statement a connection sends again
        # (every hot path does) is prepared once: PostgreSQL skips parsing and planning it.
        config["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 2,
            # No request waits without limit: a row lock waited on past lock_timeout, or a
            # statement past statement_timeout, fails and answers 503 (core/retrying.py).
            "options": f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
            f" -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
        }
    return config


# PostgreSQL only; 0 turns a limit off (a long data load run by hand, for instance).
DATABASE_LOCK_TIMEOUT_MS = int(os.environ.get("COMPTOIR_DB_LOCK_TIMEOUT_MS", "5000"))
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("COMPTOIR_DB_STATEMENT_TIMEOUT_MS", "60000"))
# A transaction chosen as a deadlock's victim is run again, at most this many times in all.
DATABASE_RETRY_ATTEMPTS = int(os.environ.get("COMPTOIR_DB_RETRY_ATTEMPTS", "4"))
# A one-line hold waits at most this long for the batch ahead of it (core/combining.py),
# then runs alone.
HOLD_BATCH_MAX_WAIT_SECONDS = float(os.environ.get("COMPTOIR_HOLD_BATCH_WAIT_MS", "1000")) / 1000


DATABASE_URL = os.environ.get("COMPTOIR_DATABASE_URL", f"sqlite:///{VAR_DIR / 'comptoir.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The queue: Huey on a SQLite file by default (no server to run), Redis in production.
QUEUE_URL = os.environ.get("COMPTOIR_QUEUE_URL", f"sqlite:///{VAR_DIR / 'queue.sqlite3'}")


def huey_from_url(url: str) -> dict:
    if url.startswith("redis://"):
        return {"huey_class": "huey.RedisHuey", "name": "comptoir", "url": url, "immediate": False}
    if url.startswith("sqlite:///"):
        return {
            "huey_class": "huey.SqliteHuey",
            "name": "comptoir",
            "filename": url.removeprefix("sqlite:///"),
            "immediate": False,
        }
    raise ValueError(f"COMPTOIR_QUEUE_URL must be redis:// or sqlite:///, not {url!r}")


HUEY = huey_from_url(QUEUE_URL)
HUEY["consumer"] = {
    "workers": int(os.environ.get("COMPTOIR_WORKER_THREADS", "4")),
    "worker_type": "thread",
}

# Outbox delivery: a claimed delivery is leased; if its worker dies the lease runs out and
# another worker takes it over. Retries follow an exponential schedule over about a day.
OUTBOX_LEASE_SECONDS = int(os.environ.get("COMPTOIR_OUTBOX_LEASE_SECONDS", "60"))
# A process wakes the worker at most once per gap after commits that recorded events.
OUTBOX_WAKE_GAP_SECONDS = float(os.environ.get("COMPTOIR_OUTBOX_WAKE_GAP_MS", "20")) / 1000
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("COMPTOIR_WEBHOOK_TIMEOUT_SECONDS", "10"))
# Webhooks go to public https addresses only; an integrator who receives them inside their own
# network lists it here (comma-separated CIDRs, e.g. "10.20.0.0/16"); plain http is allowed
# there too (ADR 0025).
WEBHOOK_ALLOWED_NETWORKS = [
    cidr.strip()
    for cidr in os.environ.get("COMPTOIR_WEBHOOK_ALLOWED_NETWORKS", "").split(",")
    if cidr.strip()
]
for _cidr in WEBHOOK_ALLOWED_NETWORKS:
    ipaddress.ip_network(_cidr, strict=False)  # a typo stops the start, not a delivery
# A worker claims this many deliveries at a time and delivers them itself before the next claim.
OUTBOX_CLAIM_BATCH = int(os.environ.get("COMPTOIR_OUTBOX_CLAIM_BATCH", "200"))
# Threads per worker process that send webhooks; each subscriber has at most this many requests
# (and keep-alive connections) in flight per worker process.
OUTBOX_SEND_THREADS = int(os.environ.get("COMPTOIR_OUTBOX_SEND_THREADS", "64"))
OUTBOX_MAX_IN_FLIGHT_PER_TARGET = int(os.environ.get("COMPTOIR_OUTBOX_MAX_IN_FLIGHT", "16"))
# The circuit breaker: failures in a row that open it, and for how long.
OUTBOX_BREAKER_FAILURES = int(os.environ.get("COMPTOIR_OUTBOX_BREAKER_FAILURES", "5"))
OUTBOX_BREAKER_COOLDOWN_SECONDS = float(
    os.environ.get("COMPTOIR_OUTBOX_BREAKER_COOLDOWN_SECONDS", "30")
)

# Stock snapshots and catalogue imports arrive as one request body (a million CSV positions is
# about 32 MB); Django's default 2.5 MB would refuse them.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("COMPTOIR_MAX_UPLOAD_MB", "64")) * 1024 * 1024

# Shipping: when a parcel with no scan raises "no movement", then "lost"; how far off its
# route a scan may be before "misrouted".
SHIPPING_NO_MOVEMENT_HOURS = float(os.environ.get("COMPTOIR_SHIPPING_NO_MOVEMENT_HOURS", "48"))
SHIPPING_LOST_AFTER_HOURS = float(os.environ.get("COMPTOIR_SHIPPING_LOST_AFTER_HOURS", "120"))
SHIPPING_DETOUR_KM = float(os.environ.get("COMPTOIR_SHIPPING_DETOUR_KM", "150"))
# The tracking page's branding.
BRAND_NAME = os.environ.get("COMPTOIR_BRAND_NAME", "Élan Sport & Tech")
BRAND_COLOUR = os.environ.get("COMPTOIR_BRAND_COLOUR", "#0b5cad")
BRAND_LOGO_URL = os.environ.get("COMPTOIR_BRAND_LOGO_URL", "")
# The one public address of this site, as customers reach it (no trailing slash): the links
# in tracking emails and payment links, and the PSP's return address, are built from it.
PUBLIC_BASE_URL = os.environ.get("COMPTOIR_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Customer messages: real SMTP (a local relay by default), SMS through an adapter.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("COMPTOIR_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("COMPTOIR_SMTP_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("COMPTOIR_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("COMPTOIR_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("COMPTOIR_SMTP_TLS", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("COMPTOIR_MAIL_FROM", "Élan <bonjour@elan.example>")

# The service inbox (ADR 0045): an answer is due within this many working hours (Monday to
# Friday, 9:00 to 18:00 Paris time, French public holidays off); inbound mail posted by a
# provider carries this shared secret (empty: the endpoint refuses every post).
SERVICE_ANSWER_WITHIN_HOURS = float(os.environ.get("COMPTOIR_SERVICE_ANSWER_WITHIN_HOURS", "4"))
SERVICE_INBOUND_SECRET = os.environ.get("COMPTOIR_SERVICE_INBOUND_SECRET", "")
SMS_ADAPTER = os.environ.get("COMPTOIR_SMS_ADAPTER", "fake")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Product pictures and their smaller copies (ADR 0034): served by Django itself in development
# and the demo (DEBUG); in production by the web server in front, from this folder.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("COMPTOIR_MEDIA_DIR", VAR_DIR / "media")).resolve()
SERVE_MEDIA = os.environ.get("COMPTOIR_SERVE_MEDIA", "1" if DEBUG else "0") == "1"
# An in-store kiosk (/kiosk/<store>/) starts over after this many seconds without a touch.
KIOSK_IDLE_SECONDS = int(os.environ.get("COMPTOIR_KIOSK_IDLE_SECONDS", "60"))
LOGIN_URL = "/admin/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "comptoir.core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("COMPTOIR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Huey logs every task at INFO; the outbox's own log lines say what matters.
        "huey": {
            "handlers": ["console"],
            "level": os.environ.get("COMPTOIR_WORKER_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}

# Payments: the PSP adapter orders use (comptoir.orders.payments), and where links point.
# The fake PSP and its public secret are the local default; production refuses both unless
# named (settings/production.py).
COMPTOIR_PSP = os.environ.get("COMPTOIR_PSP", "fake")
FAKE_PSP_DEFAULT_SECRET = "fake-psp-local-secret"
FAKE_PSP_WEBHOOK_SECRET = os.environ.get("COMPTOIR_FAKE_PSP_SECRET", FAKE_PSP_DEFAULT_SECRET)
# Stripe (orders/payments/stripe.py): the account's secret key, the webhook endpoint's signing
# secret (whsec_…), and where its API is (a local stand-in in the tests).
COMPTOIR_STRIPE_SECRET_KEY = os.environ.get("COMPTOIR_STRIPE_SECRET_KEY", "")
COMPTOIR_STRIPE_WEBHOOK_SECRET = os.environ.get("COMPTOIR_STRIPE_WEBHOOK_SECRET", "")
COMPTOIR_STRIPE_API_BASE = os.environ.get("COMPTOIR_STRIPE_API_BASE", "https://api.stripe.com")
# Past this, a call is "no answer": the operation stays requested, retried with its key.
COMPTOIR_STRIPE_TIMEOUT_SECONDS = float(os.environ.get("COMPTOIR_STRIPE_TIMEOUT_SECONDS", "20"))
