"""CSV twins of read endpoints: `…/features.csv`, `…/ranking.csv`, … answer with the same parameters as their
JSON sibling, as a file a spreadsheet opens (one row per item, headings first)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from enum import Enum
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from tradeoff.accounts.service import Member
from tradeoff.exports.table import CSV_MEDIA_TYPE, Table, attachment, to_csv

CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A CSV file (RFC 4180, UTF-8, headings in the first row)",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}


def csv_response(table: Table, member: Member) -> Response:
    return Response(to_csv(table), media_type=CSV_MEDIA_TYPE,
                    headers=attachment(table.name, workspace=member.workspace_slug, on=date.today()))


def csv_stream(chunks: Iterator[str], name: str, member: Member) -> StreamingResponse:
    """A long export sent as it is read (see `exports.service.stream_csv`)."""
    return StreamingResponse(chunks, media_type=CSV_MEDIA_TYPE,
                             headers=attachment(name, workspace=member.workspace_slug, on=date.today()))


def csv_twin(router: APIRouter, path: str, *, operation_id: str, summary: str, tags: list[str | Enum],
             to_table: Callable[[Mapping[str, Any]], Table]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated endpoint a second time at `path`, answering its result as CSV (`to_table` says
    which columns). The parameters, checks and errors are the endpoint's own."""
    def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(endpoint)
        def as_csv(*args: Any, **kwargs: Any) -> Response:
            return csv_response(to_table(endpoint(*args, **kwargs)), kwargs["member"])
        router.get(path, operation_id=operation_id, summary=summary, tags=tags, response_class=Response,
                   responses=CSV_RESPONSES)(as_csv)
        return endpoint
    return register
