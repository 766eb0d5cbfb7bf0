"""Which files a run reads: folders expanded recursively, in a fixed order, loops and all.

Runs must be reproducible, so the order is sorted and never depends on the file system's.
Folders are walked without recursion and by real path, so a symlink loop or a deep tree is
walked once; hidden entries and files that are not articles are left alone.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from crosscheck.nouns import InputProblem

SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".json", ".jsonl"})


def find_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[InputProblem]]:
    """Every article file under ``paths`` (each file once), and a problem for each path that cannot be walked."""
    files: list[Path] = []
    problems: list[InputProblem] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found, trouble = _walk(path)
            files += [f for f in found if _first_visit(f, seen)]
            problems += trouble
        elif path.is_file():
            if _first_visit(path, seen):
                files.append(path)  # named explicitly: read whatever its suffix
        elif path.is_symlink():
            problems.append(InputProblem(str(path), "E105", _broken_link(path)))
        elif path.exists():
            problems.append(InputProblem(str(path), "E105", "not a regular file or folder"))
        else:
            problems.append(InputProblem(str(path), "E105", "no such file or folder"))
    return files, problems


def _walk(root: Path) -> tuple[list[Path], list[InputProblem]]:
    """Article files under ``root``, sorted; of a file and a link to it, the file itself is kept."""
    files: list[tuple[Path, bool]] = []
    problems: list[InputProblem] = []
    visited_dirs: set[str] = {os.path.realpath(root)}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(InputProblem(str(folder), "E105", f"cannot list folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in _visible(entries):
            path = Path(folder, entry.name)
            kind = _kind(entry)
            if kind == "dir":
                real = os.path.realpath(path)
                if real not in visited_dirs:  # a symlink back up the tree is walked once
                    visited_dirs.add(real)
                    subfolders.append(path)
            elif kind == "file" and path.suffix.lower() in SUFFIXES:
                files.append((path, entry.is_symlink()))
            elif kind == "broken" and path.suffix.lower() in SUFFIXES:
                problems.append(InputProblem(str(path), "E105", _broken_link(path)))
            elif kind == "other" and path.suffix.lower() in SUFFIXES:  # never opened: a FIFO would block
                problems.append(InputProblem(str(path), "E105", "not a regular file (a pipe, socket or device)"))
        stack.extend(reversed(subfolders))
    def order(path: Path) -> tuple[str, ...]:
        return path.relative_to(root).parts

    chosen: dict[str, tuple[Path, bool]] = {}
    for path, link in sorted(files, key=lambda f: order(f[0])):
        real = os.path.realpath(path)
        if real not in chosen or (chosen[real][1] and not link):
            chosen[real] = (path, link)
    return sorted((path for path, _ in chosen.values()), key=order), problems


def _visible(entries: Iterable[os.DirEntry[str]]) -> Iterable[os.DirEntry[str]]:
    return (e for e in entries if not e.name.startswith("."))


def _kind(entry: os.DirEntry[str]) -> str:
    try:
        if entry.is_dir():
            return "dir"
        if entry.is_file():
            return "file"
        return "broken" if entry.is_symlink() and not os.path.exists(entry.path) else "other"
    except OSError:
        return "broken"


def _broken_link(path: Path) -> str:
    """Why a symbolic link leads nowhere: a loop of links, or a missing target."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link leads back to itself)"
        return f"broken symbolic link (target: {exc.strerror or 'unreachable'})"
    return "broken symbolic link"


def _first_visit(path: Path, seen: set[str]) -> bool:
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True
