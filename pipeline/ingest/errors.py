"""The one error type ingestion raises: a reason a person can act on."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    def __init__(self, reason: str, path: Path | str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = Path(path) if path else None

    def __str__(self) -> str:
        from pipeline.document import storable_path

        return f"{storable_path(self.path)}: {self.reason}" if self.path else self.reason
