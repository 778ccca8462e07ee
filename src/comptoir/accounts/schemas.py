from datetime import datetime

from ninja import Field, Schema


class TeamMemberOut(Schema):
    username: str
    first_name: str
    last_name: str
    role: str


class ApiTokenIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[str] = Field(min_length=1)


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


class IssuedApiTokenOut(ApiTokenOut):
    token: str | None = Field(
        description="The raw token. Shown once; only its hash is kept, so an Idempotency-Key "
        "replay of this answer has null here."
    )
