from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.errors import NotAuthenticated, NotFound
from comptoir.core.idempotency import idempotent

from . import selectors, services
from .schemas import (
    ConsentIn,
    ConsentOut,
    ConsentsOut,
    CustomerOut,
    FavouriteStoreIn,
    ShopperSignUpIn,
    TimelineEntryOut,
)

router = Router(tags=["customers"])


@router.post("", response={201: CustomerOut}, operation_id="register_shopper", auth=None)
@decorate_view(idempotent)
def register_shopper(request: HttpRequest, payload: ShopperSignUpIn) -> Status[object]:
    """Sign up: a shopper account and its profile."""
    return Status(201, services.register_shopper(**payload.dict(), channel="web"))


@router.get("/me", response=CustomerOut, operation_id="get_my_profile")
def get_my_profile(request: HttpRequest) -> object:
    actor = request.auth
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in as a shopper to see your profile.")
    if actor.customer_id is None:
        raise NotFound("You are signed in, but not as a shopper: there is no profile to show.")
    return selectors.customer_by_id(customer_id=request.auth.customer_id)


@router.get("/{customer_id}", response=CustomerOut, operation_id="get_customer")
def get_customer(request: HttpRequest, customer_id: int) -> object:
    authorize(request.auth, "customers.read", customer_id=customer_id)
    return selectors.customer_by_id(customer_id=customer_id)


@router.get(
    "/{customer_id}/timeline", response=list[TimelineEntryOut], operation_id="get_customer_timeline"
)
def get_customer_timeline(request: HttpRequest, customer_id: int) -> object:
    authorize(request.auth, "customers.read", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    return selectors.timeline_of(customer_id=customer_id)[:100]


@router.put(
    "/{customer_id}/favourite-store", response=CustomerOut, operation_id="choose_favourite_store"
)
def choose_favourite_store(
    request: HttpRequest, customer_id: int, payload: FavouriteStoreIn
) -> object:
    """Change the customer's favourite store in one call: the shopper themself, or the staff
    who serve them (`customers.write`). Answers the profile with its new favourite store."""
    authorize(request.auth, "customers.write", customer_id=customer_id)
    return services.choose_favourite_store(customer_id=customer_id, location_code=payload.location)


def _recorded_by(actor: object) -> int | None:
    """The staff member who recorded it; None when the person did it themself."""
    return actor.user_id if actor.is_staff_member else None  # type: ignore[attr-defined]


@router.get("/{customer_id}/consents", response=ConsentsOut, operation_id="get_customer_consents")
def get_customer_consents(request: HttpRequest, customer_id: int) -> dict:
    """Every purpose with the consent in force (none recorded: not given), and the history."""
    authorize(request.auth, "customers.read", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    in_force = selectors.consents_in_force(customer_id=customer_id)
    return {
        "in_force": [
            {
                "purpose": purpose,
                "granted": bool(record and record.granted),
                "since": record.recorded_at if record else None,
            }
            for purpose, record in in_force.items()
        ],
        "history": list(selectors.consent_history(customer_id=customer_id)[:200]),
    }


@router.put("/{customer_id}/consents/{purpose}", response=ConsentOut, operation_id="record_consent")
def record_consent(
    request: HttpRequest, customer_id: int, purpose: str, payload: ConsentIn
) -> object:
    """Give (`granted: true`) or withdraw a consent: the shopper on their own profile, or the
    associate or agent who serves them (recorded as given through them)."""
    authorize(request.auth, "customers.write", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    return services.record_consent(
        customer_id=customer_id,
        purpose=purpose,
        granted=payload.granted,
        channel=payload.channel,
        method=payload.method,
        recorded_by_id=_recorded_by(request.auth),
    )
