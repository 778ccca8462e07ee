"""Stock snapshots over HTTP: a till system or a warehouse sends the full count of a location.

The file is read at once (a body that is not a snapshot is a 422), kept with its job, and
loaded by the worker after the request commits; GET follows the job's progress.
"""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.idempotency import idempotent
from comptoir.core.problem import problem_response
from comptoir.locations.selectors import location_by_code

from .errors import InvalidSnapshot
from .models import SnapshotJob
from .services import snapshots

router = Router(tags=["stock"])

_POSITIONS_JSON = {
    "type": "object",
    "required": ["positions"],
    "properties": {
        "location": {
            "type": "string",
            "minLength": 1,
            "maxLength": 40,
            "description": "the store or warehouse counted (or ?location=)",
        },
        "positions": {
            "type": "array",
            "maxItems": 1_000_000,
            "items": {
                "type": "object",
                "required": ["sku", "quantity"],
                "properties": {
                    "sku": {"type": "string", "minLength": 1, "maxLength": 40},
                    "quantity": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000},
                },
            },
        },
    },
    "example": {
        "location": "lyon-part-dieu",
        "positions": [{"sku": "JACKET-S", "quantity": 3}, {"sku": "JACKET-M", "quantity": 0}],
    },
}
_POSITIONS_CSV = {
    "type": "string",
    "description": "a `sku,quantity` header (other columns are ignored), then one line per SKU;"
    " comma- or semicolon-separated",
    "example": "sku,quantity\nJACKET-S,3\nJACKET-M,0\n",
}
_UNSUPPORTED = {
    "description": "The body is neither application/json nor text/csv",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class RejectedLineOut(Schema):
    line: int = Field(description="the CSV line (the header is line 1), or the position's number")
    sku: str
    reason: str


class SnapshotJobOut(Schema):
    id: int
    location: str
    status: str = Field(description="pending, running or finished")
    total_rows: int
    processed_rows: int
    progress_percent: int
    changed: int = Field(description="positions that changed a level (one movement each)")
    unchanged: int
    rejected: int
    report: list[RejectedLineOut] = Field(description="rejected lines (the first 1,000)")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_location(job: SnapshotJob) -> str:
        return job.location.code

    @staticmethod
    def resolve_progress_percent(job: SnapshotJob) -> int:
        if job.total_rows == 0:
            return 100 if job.status == SnapshotJob.Status.FINISHED else 0
        return job.processed_rows * 100 // job.total_rows


def _read_body(request: HttpRequest) -> snapshots.SnapshotFile:
    file_format = {
        "text/csv": SnapshotJob.Format.CSV,
        "application/json": SnapshotJob.Format.JSON,
    }[request.content_type]
    try:
        return snapshots.read_snapshot(request.body.decode("utf-8"), file_format)
    except UnicodeDecodeError:
        raise InvalidSnapshot(
            "The body is not UTF-8 text.", errors=[{"field": "body", "message": "UTF-8 text"}]
        ) from None


@router.post(
    "/stock-snapshots",
    response={201: SnapshotJobOut},
    operation_id="load_stock_snapshot",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _POSITIONS_JSON},
                "text/csv": {"schema": _POSITIONS_CSV},
            },
        },
        "responses": {415: _UNSUPPORTED},
    },
)
@decorate_view(idempotent)
def load_stock_snapshot(
    request: HttpRequest,
    location: str | None = Query(None, min_length=1, max_length=40),  # noqa: B008 - Ninja's idiom
) -> Status[object] | HttpResponse:
    """Load the full count of one store or warehouse: each counted quantity becomes the
    SKU's on-hand there; SKUs not in the count are left as they are; units held for customers
    stay held. Only changed positions get a ledger movement and a `stock.changed` event; bad
    lines are rejected with their line and reason. The load runs in the background: follow
    it with GET /stock-snapshots/{job_id}. The body must fit the server's request size limit
    (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    authorize(request.auth, "stock.adjust")
    if request.content_type not in {"text/csv", "application/json"}:
        return problem_response(
            status=415,
            code="unsupported-media-type",
            title="Send the count as application/json or text/csv",
            detail=f"{request.content_type or 'No content type'} is not a snapshot format.",
            instance=request.path,
        )
    snapshot = _read_body(request)
    if location and snapshot.location and location != snapshot.location:
        raise InvalidSnapshot(
            f"The query names {location}, the body {snapshot.location}.",
            errors=[{"field": "query.location", "message": "differs from body.location"}],
        )
    code = location or snapshot.location
    if not code:
        raise InvalidSnapshot(
            "Which location was counted?",
            errors=[{"field": "query.location", "message": "a store or warehouse code"}],
        )
    place = location_by_code(code=code)
    authorize(request.auth, "stock.adjust", store_id=place.pk)
    job = snapshots.start_stock_snapshot(
        location_id=place.pk, snapshot=snapshot, actor=request.auth.caller_key
    )
    return Status(201, snapshots.snapshot_job(job_id=job.pk))


@router.get("/stock-snapshots/{job_id}", response=SnapshotJobOut, operation_id="get_stock_snapshot")
def get_stock_snapshot(request: HttpRequest, job_id: int) -> object:
    """Progress (processed of total positions), counts, and the rejected lines with their
    reasons."""
    authorize(request.auth, "stock.adjust")
    job = snapshots.snapshot_job(job_id=job_id)
    authorize(request.auth, "stock.adjust", store_id=job.location_id)
    return job
