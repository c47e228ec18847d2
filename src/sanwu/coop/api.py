"""/api/v1/coop/…: the cooperative behind the same gate as the pages (one block per topic)."""

from ninja import Router

router = Router(tags=["股份经济合作社"])
