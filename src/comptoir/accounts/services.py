"""Staff and API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from comptoir.core import clock
from comptoir.core.access import ALL_PERMISSIONS

from .domain import make_token
from .errors import ApiTokenNotFound, UnknownScope
from .models import ApiToken, StaffMember
from .selectors import forget_token

User = get_user_model()


def enrol_staff_member(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    store_ids: list[int] | None = None,
) -> StaffMember:
    """Create (or update, so the demo can be loaded twice) a staff member with one role."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": email},
        )
        if created:
            user.set_password(password)
            user.is_staff = role == StaffMember.Role.ADMINISTRATOR
            user.is_superuser = role == StaffMember.Role.ADMINISTRATOR
            user.save()
        member, _ = StaffMember.objects.update_or_create(user=user, defaults={"role": role})
        member.stores.set(store_ids or [])
    return member


def issue_api_token(
    *, name: str, scopes: list[str], created_by_id: int | None
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its raw value, which is never stored nor shown again."""
    unknown = sorted(set(scopes) - ALL_PERMISSIONS)
    if unknown:
        raise UnknownScope(
            f"Unknown scopes: {', '.join(unknown)}.",
            errors=[{"field": "scopes", "message": f"unknown: {', '.join(unknown)}"}],
        )
    new = make_token()
    token = ApiToken.objects.create(
        name=name,
        prefix=new.prefix,
        secret_hash=new.secret_hash,
        scopes=sorted(set(scopes)),
        created_by_id=created_by_id,
        created_at=clock.now(),
    )
    return token, new.raw


def revoke_api_token(*, token_id: int) -> ApiToken:
    """Revoke at once; the next request with it is refused. Revoking twice is harmless."""
    updated = ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    # Forgotten now, and again once committed: a request in between cannot re-remember it.
    forget_token(token_id)
    transaction.on_commit(lambda: forget_token(token_id))
    if not updated and not ApiToken.objects.filter(pk=token_id).exists():
        raise ApiTokenNotFound("No such API token.")
    return ApiToken.objects.get(pk=token_id)
