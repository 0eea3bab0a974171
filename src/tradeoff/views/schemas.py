from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from tradeoff.records.schemas import Input, Output

Collection = Literal["products", "customers", "feedback", "problems", "features"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
FilterValue = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | int | float | bool


class ViewQuery(Input):
    """What the list shows: the same search, filters, sort and archived switch as its own parameters."""

    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    sort: Annotated[str, StringConstraints(max_length=60)] | None = None
    archived: bool = False
    filters: dict[Annotated[str, StringConstraints(max_length=40)], FilterValue] = Field(
        default_factory=dict, max_length=20, description="The list's filters by name, e.g. {\"kind\": \"bug\"}")


class ViewCreate(Input):
    collection: Collection = Field(description="The list the view is of")
    name: Name
    query: ViewQuery = Field(default_factory=ViewQuery)
    shared: bool = Field(False, description="Seen by every member of the workspace (owners and PMs), "
                                            "else by its owner only")


class ViewOut(Output):
    id: int
    collection: str
    name: str
    query: dict[str, Any]
    shared: bool
    owner: str
    created_at: datetime
