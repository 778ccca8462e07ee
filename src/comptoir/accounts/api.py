from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.idempotency import idempotent_keeping_out
from comptoir.locations.selectors import location_by_code

from . import selectors, services
from .schemas import ApiTokenIn, ApiTokenOut, IssuedApiTokenOut, TeamMemberOut

router = Router(tags=["people"])


@router.get(
    "/locations/{code}/team", response=list[TeamMemberOut], operation_id="list_location_team"
)
def list_location_team(request: HttpRequest, code: str) -> list[dict]:
    """The staff assigned to a store: visible to its own associates and to operations."""
    location = location_by_code(code=code)
    authorize(request.auth, "team.read", store_id=location.pk)
    return [
        {
            "username": member.user.username,
            "first_name": member.user.first_name,
            "last_name": member.user.last_name,
            "role": member.role,
        }
        for member in selectors.team_of_location(location_id=location.pk)
    ]


@router.get("/api-tokens", response=list[ApiTokenOut], operation_id="list_api_tokens")
def list_api_tokens(request: HttpRequest) -> object:
    authorize(request.auth, "tokens.manage")
    return selectors.api_token_list()


@router.post("/api-tokens", response={201: IssuedApiTokenOut}, operation_id="issue_api_token")
@decorate_view(idempotent_keeping_out("token"))
def issue_api_token(request: HttpRequest, payload: ApiTokenIn) -> Status[dict]:
    authorize(request.auth, "tokens.manage")
    token, raw = services.issue_api_token(
        name=payload.name, scopes=payload.scopes, created_by_id=request.auth.user_id
    )
    return Status(201, {**ApiTokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/api-tokens/{token_id}", response=ApiTokenOut, operation_id="revoke_api_token")
def revoke_api_token(request: HttpRequest, token_id: int) -> object:
    authorize(request.auth, "tokens.manage")
    return services.revoke_api_token(token_id=token_id)
