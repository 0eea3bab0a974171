"""Answers about the workspace's own records: the audit trail (api/routes.py), notifications marked read
(api/notifications.py), saved views (api/views.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tradeoff.api.responses.base import Answer, Moment, absent


class FieldChange(Answer):
    before: Any = Field(description="The value before (null when it was created)")
    after: Any = Field(description="The value after (null when it was removed)")


class AuditEventOut(Answer):
    id: int
    at: Moment
    actor: str = Field(description="Who did it: an email, or a label such as 'demo-loader'")
    via: str = Field(description="api, web or cli")
    action: str = Field(description="create, update, archive, import, told, ...")
    record_type: str
    record_id: int | None = Field(description="Null for an action on many records (an import)")
    changes: dict[str, FieldChange] = Field(description="Each field that changed; secrets are left out")


class AuditPage(Answer):
    items: list[AuditEventOut] = Field(description="Newest first")
    next: str | None = Field(description="Cursor for the next page, or null on the last page.")


class MarkedRead(Answer):
    marked: int = Field(description="Notifications marked read")


class ViewQueryOut(Answer):
    """What the list shows: the keys given when the view was saved."""

    filters: dict[str, str | int | float | bool] = Field(description="The list's filters by name, e.g. "
                                                                    "{\"kind\": \"bug\"}")
    q: str = absent("Full-text search")
    sort: str = absent("The sort, when not the list's default")
    archived: bool = absent("Archived records instead (only when true)")


class SavedViewOut(Answer):
    """A saved view of a record list; its items are the list's own endpoint with `params`."""

    id: int
    collection: str = Field(description="The list it is of: products, customers, feedback, problems or features")
    name: str
    query: ViewQueryOut
    shared: bool = Field(description="Seen by every member of the workspace, else by its owner only")
    owner: str = Field(description="The owner's email")
    created_at: Moment
    params: dict[str, str] = Field(description="The list's query parameters that show the view, e.g. "
                                               "{\"kind\": \"bug\", \"sort\": \"-arr\"}")
