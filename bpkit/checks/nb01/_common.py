"""nb01: shared helpers: the real type and id, whatever a notebook rebinds."""

from __future__ import annotations

_type = object.__class__
_id = id
