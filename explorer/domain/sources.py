"""The files a graph folder is made of, checked on disk before any of them is read.

A folder from someone else may hold a link to a file elsewhere on the machine (`~/.ssh/…`), a
device or pipe named `*.yaml` (`/dev/zero` never ends), or more bytes than reading is worth. Each
is refused here, by name, from `stat` alone: a link is followed only when it stays inside the
folder, only regular files are read, each at most `limits.MAX_FILE_BYTES` (and read with that
bound, in case it grew), all of them together at most `limits.MAX_FOLDER_BYTES`.
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path

from explorer.domain.limits import MAX_FILE_BYTES, MAX_FOLDER_BYTES, MAX_SOURCE_FILES


@dataclass(frozen=True)
class SourceFile:
    path: Path  # the file to read (links resolved, inside the folder)
    rel: str  # as the author sees it: relative to the folder, POSIX slashes
    size: int


@dataclass
class Scan:
    files: list[SourceFile] = field(default_factory=list)  # safe to read
    refused: list[tuple[str, str]] = field(default_factory=list)  # (rel, why)
    total_bytes: int = 0

    @property
    def too_big(self) -> bool:
        return self.total_bytes > MAX_FOLDER_BYTES or len(self.files) > MAX_SOURCE_FILES

    def problems(self) -> list[tuple[str, str]]:
        """(file, message) for every refused file and for a folder over its limits."""
        out = list(self.refused)
        if self.total_bytes > MAX_FOLDER_BYTES:
            out.append(("./", f"the graph's files total {self.total_bytes:,} bytes; the limit "
                              f"is {MAX_FOLDER_BYTES:,}"))
        if len(self.files) > MAX_SOURCE_FILES:
            out.append(("./", f"{len(self.files):,} source files; the limit is "
                              f"{MAX_SOURCE_FILES:,}"))
        return out


def decision_files(data_dir: Path) -> list[Path]:
    """`decisions.yaml` (if present) then `decisions/*.yaml`, in a stable order."""
    single = data_dir / "decisions.yaml"
    return ([single] if _present(single) else []) + sorted((data_dir / "decisions").glob("*.yaml"))


def concept_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "concepts").glob("*.yaml"))


def source_files(data_dir: Path) -> list[Path]:
    """The files a graph is made of, in a stable order (not yet checked: see `scan`)."""
    names = [data_dir / n for n in ("layers.yaml", "goals.yaml")]
    return [p for p in names if _present(p)] + decision_files(data_dir) + concept_files(data_dir)


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()  # a dangling link is there, and refused


def check(path: Path, data_dir: Path) -> SourceFile | tuple[str, str]:
    """The file if it is safe to read, else (rel, why)."""
    rel = path.relative_to(data_dir).as_posix()
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(data_dir.resolve()):
            return rel, (f"is a link to {real}, outside the graph folder; copy the file into "
                         "the folder instead")
        info = real.stat()
    except (OSError, RuntimeError) as exc:  # a dangling link, a loop, no permission
        return rel, f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if not stat.S_ISREG(info.st_mode):
        return rel, "is not a regular file"
    if info.st_size > MAX_FILE_BYTES:
        return rel, f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
    return SourceFile(real, rel, info.st_size)


def scan(data_dir: Path) -> Scan:
    out = Scan()
    for path in source_files(data_dir):
        found = check(path, data_dir)
        if isinstance(found, SourceFile):
            out.files.append(found)
            out.total_bytes += found.size
        else:
            out.refused.append(found)
    return out


def read_bytes(file: SourceFile) -> bytes:
    """At most one byte over the limit: a file that grew since `check` is caught by length."""
    with open(file.path, "rb") as fh:
        return fh.read(MAX_FILE_BYTES + 1)


def source_hash(data_dir: Path) -> str:
    """Identifies the sources: names and bytes of the files that may be read, names of the ones
    refused (so fixing one changes the hash). Over the folder limit, sizes stand in for bytes:
    such a folder is refused anyway, and hashing it would read all of it."""
    digest = hashlib.sha256()
    found = scan(data_dir)
    for f in found.files:
        digest.update(f.rel.encode() + b"\0")
        digest.update(str(f.size).encode() if found.too_big else read_bytes(f))
        digest.update(b"\0")
    for rel, why in found.refused:
        digest.update(f"refused:{rel}:{why}\0".encode())
    return digest.hexdigest()
