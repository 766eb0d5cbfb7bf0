"""One bounded read for every file crosscheck is handed: articles, drafts, rule files, config files, baselines.

Each is untrusted input: a huge file must not be read whole into memory, and a FIFO or a device (/dev/zero) must
not hang the run or fill memory. The caller turns the two failures into its own numbered error.
"""

from __future__ import annotations

import errno
from pathlib import Path


class FileTooLarge(Exception):
    """The file holds more than the limit it was read with."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the limit of {limit:,} bytes")
        self.limit = limit


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, read with one bounded read of ``limit`` + 1 bytes.

    Raises OSError when it cannot be read, with the strerror "not a regular file" for a FIFO, a socket or a
    device, and FileTooLarge when it holds more than ``limit`` bytes."""
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data
