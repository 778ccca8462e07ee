from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core import clock
from comptoir.core.access import Actor, authorize
from comptoir.core.channels import channel_of
from comptoir.core.errors import NotAuthenticated, NotFound
from comptoir.core.idempotency import idempotent
from comptoir.locations.selectors import location_by_code, location_list

from . import selectors, services
from .domain import allowed_by, entrance_qr_payload, entrance_qr_svg
from .errors import CustomerNotFound, InvalidCredentials
from .schemas import (
    CheckInIn,
    CheckInOut,
    ConsentIn,
    ConsentOut,
    ConsentsOut,
    CustomerOut,
    EntranceQrOut,
    FavouriteStoreIn,
    IdentityIn,
    IdentityOut,
    LoyaltyCardCheckInIn,
    MergeIn,
    MergeOut,
    PreferenceOut,
    PreferencesIn,
    ShopperInStoreOut,
    ShopperSignUpIn,
    SignInIn,
    TimelineEntryOut,
    WishlistItemIn,
    WishlistOut,
)

router = Router(tags=["customers"])
SIGN_IN_REFUSED = {
    "description": "The email and password do not match a shopper account",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


@router.post("", response={201: CustomerOut}, operation_id="register_shopper", auth=None)
@decorate_view(idempotent)
def register_shopper(request: HttpRequest, payload: ShopperSignUpIn) -> Status[object]:
    """Sign up: a shopper account and its profile."""
    return Status(201, services.register_shopper(**payload.dict(), channel="web"))


@router.post(
    "/sign-in",
    response=CustomerOut,
    operation_id="sign_in_shopper",
    auth=None,
    openapi_extra={"responses": {"401": SIGN_IN_REFUSED}},
)
def sign_in_shopper(request: HttpRequest, payload: SignInIn) -> object:
    """Open a session for a shopper (cookie `sessionid`); pages and the API share it."""
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    customer_id = selectors.customer_id_for_user(user_id=user.pk) if user else None
    if user is None or customer_id is None:
        raise InvalidCredentials("This email and password do not match a shopper account.")
    login(request, user)
    return selectors.customer_by_id(customer_id=customer_id)


@router.post("/sign-out", response={204: None}, operation_id="sign_out_shopper", auth=None)
def sign_out_shopper(request: HttpRequest) -> Status[None]:
    logout(request)
    return Status(204, None)


@router.get("/lookup", response=CustomerOut, operation_id="find_customer_by_identity")
def find_customer_by_identity(request: HttpRequest, kind: str, value: str) -> object:
    """Staff find a profile by any identity: email, phone, loyalty card, app device, store
    record. A value shared by several profiles and verified on none finds nobody."""
    authorize(request.auth, "customers.read")
    customer = selectors.customer_by_identity(kind=kind, value=value)
    if customer is None:
        raise CustomerNotFound("No profile has this identity.")
    return customer


@router.post("/check-ins", response={201: CheckInOut}, operation_id="check_in_by_loyalty_card")
def check_in_by_loyalty_card(request: HttpRequest, payload: LoyaltyCardCheckInIn) -> Status[dict]:
    """An associate scanned a loyalty card at their store. Same consent rule."""
    store = location_by_code(code=payload.store)
    authorize(request.auth, "customers.check_in", store_id=store.pk)
    visit = services.check_in_by_loyalty_card(
        loyalty_card=payload.loyalty_card,
        location_code=payload.store,
        checked_in_by_id=request.auth.user_id,
    )
    return Status(201, _visit_out(visit, payload.store))


@router.get(
    "/in-store-now", response=list[ShopperInStoreOut], operation_id="list_shoppers_in_store"
)
def list_shoppers_in_store(request: HttpRequest, store: str) -> object:
    """Who checked in at this store in the last hours and still consents to be recognised:
    their favourite categories and the wishlist items in stock here. The store's own staff."""
    location = location_by_code(code=store)
    authorize(request.auth, "customers.check_in", store_id=location.pk)
    return selectors.in_store_now(
        location_id=location.pk, since=clock.now() - timedelta(hours=selectors.IN_STORE_HOURS)
    )


@router.get("/entrance-qr", response=EntranceQrOut, operation_id="get_entrance_qr")
def get_entrance_qr(request: HttpRequest, store: str) -> dict:
    """The QR code to print at a store's entrance: a consenting shopper scans it with the app,
    which then checks them in (POST /customers/{id}/check-ins). The store's own staff."""
    location = location_by_code(code=store)
    authorize(request.auth, "customers.check_in", store_id=location.pk)
    return {
        "store": location.code,
        "payload": entrance_qr_payload(location.code),
        "qr_svg": entrance_qr_svg(location.code),
    }


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


def _recorded_by(actor: Actor) -> int | None:
    """The staff member who recorded it; None when the person did it themself."""
    return actor.user_id if actor.is_staff_member else None


@router.get("/{customer_id}/consents", response=ConsentsOut, operation_id="get_customer_consents")
def get_customer_consents(request: HttpRequest, customer_id: int) -> dict:
    """Every purpose with the answer in force, and the history. Never asked is "not given",
    except order updates, which are part of the contract and go unless opted out."""
    authorize(request.auth, "customers.read", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    in_force = selectors.consents_in_force(customer_id=customer_id)
    return {
        "in_force": [
            {
                "purpose": purpose,
                "granted": allowed_by(purpose, record.granted if record else None),
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
        channel=channel_of(request.auth, payload.channel),
        method=payload.method,
        recorded_by_id=_recorded_by(request.auth),
    )


@router.get("/{customer_id}/identities", response=list[IdentityOut], operation_id="list_identities")
def list_identities(request: HttpRequest, customer_id: int) -> object:
    authorize(request.auth, "customers.read", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    return selectors.identities_of(customer_id=customer_id)


@router.post("/{customer_id}/identities", response={201: IdentityOut}, operation_id="add_identity")
def add_identity(request: HttpRequest, customer_id: int, payload: IdentityIn) -> Status[object]:
    """Attach an identity. Only staff may say an email or phone was confirmed; a confirmed one
    that another profile holds confirmed merges the two profiles (audited)."""
    authorize(request.auth, "customers.write", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    staff = request.auth.is_staff_member
    identity = services.add_identity(
        customer_id=customer_id,
        kind=payload.kind,
        value=payload.value,
        channel=channel_of(request.auth, payload.channel),
        confirmed=payload.confirmed and staff,
        added_by_id=_recorded_by(request.auth),
    )
    return Status(201, identity)


@router.post("/{customer_id}/merges", response={201: MergeOut}, operation_id="merge_customers")
def merge_customers(request: HttpRequest, customer_id: int, payload: MergeIn) -> Status[object]:
    """Fold `merged_id` into this profile: identities, consents, timeline, wishlist, carts and
    (once they exist) orders follow. Staff with `customers.merge` only; audited."""
    authorize(request.auth, "customers.merge")
    selectors.customer_by_id(customer_id=customer_id)
    audit = services.merge_profiles(
        survivor_id=customer_id,
        merged_id=payload.merged_id,
        reason=payload.reason,
        merged_by_id=request.auth.user_id,
    )
    return Status(
        201,
        {
            "survivor_id": audit.survivor_id,
            "merged_id": audit.merged_id,
            "reason": audit.reason,
            "merged_by_id": audit.merged_by_id,
            "merged_at": audit.merged_at,
            "moved": audit.moved,
        },
    )


def _store_to_show(actor: Actor, customer_id: int, code: str | None) -> Any:
    """The store asked for; else an associate's own store; else the customer's favourite."""
    if code is not None:
        return location_by_code(code=code)
    if actor.is_staff_member and actor.store_ids:
        return location_list().filter(pk=min(actor.store_ids)).first()
    return selectors.customer_by_id(customer_id=customer_id).favourite_location


@router.get("/{customer_id}/wishlist", response=WishlistOut, operation_id="get_wishlist")
def get_wishlist(request: HttpRequest, customer_id: int, store: str | None = None) -> dict:
    """The wishlist, the same in every channel, with the stock of one store: the one asked,
    the associate's own, or the customer's favourite."""
    authorize(request.auth, "customers.read", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    location = _store_to_show(request.auth, customer_id, store)
    items = selectors.wishlist_with_stock(
        customer_id=customer_id, location_id=location.pk if location else None
    )
    return {"store": location.code if location else None, "items": items}


@router.post("/{customer_id}/wishlist", response={201: WishlistOut}, operation_id="add_to_wishlist")
def add_to_wishlist(
    request: HttpRequest, customer_id: int, payload: WishlistItemIn
) -> Status[dict]:
    authorize(request.auth, "customers.write", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    services.add_to_wishlist(
        customer_id=customer_id,
        sku=payload.sku,
        channel=channel_of(request.auth, payload.channel),
    )
    return Status(201, get_wishlist(request, customer_id))


@router.delete(
    "/{customer_id}/wishlist/{sku}", response=WishlistOut, operation_id="remove_from_wishlist"
)
def remove_from_wishlist(request: HttpRequest, customer_id: int, sku: str) -> dict:
    authorize(request.auth, "customers.write", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    services.remove_from_wishlist(
        customer_id=customer_id, sku=sku, channel=channel_of(request.auth, "web")
    )
    return get_wishlist(request, customer_id)


@router.get(
    "/{customer_id}/preferences", response=list[PreferenceOut], operation_id="list_preferences"
)
def list_preferences(request: HttpRequest, customer_id: int) -> object:
    authorize(request.auth, "customers.read", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    return selectors.preferences_of(customer_id=customer_id)


@router.put(
    "/{customer_id}/preferences",
    response=list[PreferenceOut],
    operation_id="declare_preferences",
)
def declare_preferences(request: HttpRequest, customer_id: int, payload: PreferencesIn) -> object:
    """Replace what the person declared; what we inferred stays, marked `inferred`."""
    authorize(request.auth, "customers.write", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    services.declare_preferences(
        customer_id=customer_id,
        preferences=[(p.kind, p.value) for p in payload.preferences],
        channel=channel_of(request.auth, payload.channel),
    )
    return selectors.preferences_of(customer_id=customer_id)


def _visit_out(visit: object, store: str) -> dict:
    return {
        "customer_id": visit.customer_id,  # type: ignore[attr-defined]
        "store": store,
        "method": visit.method,  # type: ignore[attr-defined]
        "checked_in_at": visit.checked_in_at,  # type: ignore[attr-defined]
    }


@router.post(
    "/{customer_id}/check-ins", response={201: CheckInOut}, operation_id="check_in_at_store"
)
def check_in_at_store(request: HttpRequest, customer_id: int, payload: CheckInIn) -> Status[dict]:
    """The shopper scanned the QR at a store's entrance. Needs their in-store-recognition
    consent: without it, 409 `consent-required` and nothing is recorded."""
    authorize(request.auth, "customers.write", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    visit = services.check_in(
        customer_id=customer_id, location_code=payload.store, method="entrance_qr"
    )
    return Status(201, _visit_out(visit, payload.store))


@router.get("/{customer_id}/export", response=dict, operation_id="export_personal_data")
def export_personal_data(request: HttpRequest, customer_id: int) -> dict:
    """GDPR: everything held on the person, as JSON. Logged."""
    authorize(request.auth, "customers.export", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    return services.export_personal_data(
        customer_id=customer_id, requested_by_id=request.auth.user_id
    )


@router.post("/{customer_id}/erasure", response=CustomerOut, operation_id="erase_customer")
def erase_customer(request: HttpRequest, customer_id: int) -> object:
    """GDPR: anonymise the person, keep what the law requires. Logged; cannot be undone."""
    authorize(request.auth, "customers.erase", customer_id=customer_id)
    selectors.customer_by_id(customer_id=customer_id)
    return services.erase_customer(customer_id=customer_id, requested_by_id=request.auth.user_id)
