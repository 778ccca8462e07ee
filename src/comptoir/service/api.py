"""Mail providers post inbound email here; it goes through the same service as the SMTP
listener's."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from comptoir.core.problem import problem_answer

from . import services
from .schemas import InboundEmailIn, InboundEmailOut

router = Router(tags=["service"])
SECRET_HEADER = "X-Comptoir-Inbound-Secret"


@router.post(
    "/service/inbound-email",
    response={200: InboundEmailOut, 201: InboundEmailOut},
    operation_id="receive_inbound_email",
    auth=None,
    openapi_extra={
        "parameters": [
            {
                "name": SECRET_HEADER,
                "in": "header",
                "required": True,
                "description": "The shared secret (COMPTOIR_SERVICE_INBOUND_SECRET)",
                "schema": {"type": "string"},
            }
        ],
        "responses": {"401": problem_answer("The inbound mail secret is missing or wrong")},
    },
)
def receive_inbound_email(request: HttpRequest, payload: InboundEmailIn) -> Status[dict]:
    """An inbound email from a mail provider, authenticated by the shared secret in the
    `X-Comptoir-Inbound-Secret` header (SERVICE_INBOUND_SECRET). 201 when stored, 200 when
    this Message-ID was already held (a provider's retry stores nothing twice)."""
    message, stored = services.receive_provider_email(
        secret=request.headers.get(SECRET_HEADER, ""),
        payload=payload.dict(by_alias=True),
    )
    body = {"conversation_id": message.conversation_id, "message_id": message.pk, "stored": stored}
    return Status(201 if stored else 200, body)
