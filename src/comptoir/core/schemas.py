"""Types that request schemas share across apps."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

# A primary key as the database stores it (bigint). A larger number in a body would reach an
# INSERT or a foreign key check and fail there as a 500; bounded, it is a 422 on its field.
ROW_ID_MAX = 2**63 - 1
RowId = Annotated[StrictInt, Field(ge=1, le=ROW_ID_MAX)]
