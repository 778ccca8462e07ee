from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.errors import NotAuthenticated, NotFound
from comptoir.core.idempotency import idempotent

from . import selectors, services
from .schemas import CustomerOut, FavouriteStoreIn, ShopperSignUpIn, TimelineEntryOut

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
