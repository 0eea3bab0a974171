"""The demo's public face: customer-facing wording on the features customers may see, and a share link."""

from __future__ import annotations

from typing import Any

from tradeoff.features.model import Feature
from tradeoff.publishing import service as publishing
from tradeoff.storage.uow import Actor, UnitOfWork

# internal status -> shown publicly; ideas stay private until discovery starts
PUBLIC_STATUSES = ("discovery", "planned", "in_progress", "shipped")


def _public_wording(title: str, status: str) -> str:
    """Customer-facing wording by how far along it is: still being explored, or on its way."""
    if status == "discovery":
        return f"{title}: we are exploring this — tell us how you would use it"
    return f"{title} — coming to your Ledgerly workspace"


def load_publishing(*, uow: UnitOfWork, workspace_id: int, actor: Actor, products: dict[str, Any],
                    features: dict[str, Feature]) -> dict[str, int]:
    shown = 0
    for f in features.values():
        if f.status in PUBLIC_STATUSES and f.id % 3 != 0:  # not everything in flight is announced
            f.public = True
            if f.status == "shipped":
                f.public_description = f"Now available: {f.title}."  # as written: names and acronyms keep their case
            else:
                f.public_description = _public_wording(f.title, f.status)
            shown += 1
    uow.session.flush()
    first_product = next(iter(products.values()))
    publishing.create_share(uow=uow, workspace_id=workspace_id, actor=actor, product_id=first_product.id,
                            label="Customer roadmap")
    return {"public_features": shown, "share_links": 1}
