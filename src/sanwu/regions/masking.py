"""Kept for the regions and partywork models and migration 0002, which import it; everything else
imports `sanwu.core.masking`, where masking lives."""

from sanwu.core.masking import mask_id_number, mask_name, mask_phone

__all__ = ["mask_id_number", "mask_name", "mask_phone"]
