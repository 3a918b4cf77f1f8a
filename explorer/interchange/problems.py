"""Problems found while importing, each with the file, line (or row) and column it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Where:
    """A place in a source file: `line` is the physical line (CSV rows count their header as
    line 1), `column` the column or attribute name."""

    file: str
    line: int | None = None
    column: str | None = None

    def at(self, column: str | None) -> Where:
        return Where(self.file, self.line, column)

    def __str__(self) -> str:
        text = self.file + (f":{self.line}" if self.line else "")
        return text + (f" column '{self.column}'" if self.column else "")


@dataclass(frozen=True)
class ImportProblem:
    where: Where
    message: str
    severity: str = "error"  # "warning" is reported but does not stop an import

    def __str__(self) -> str:
        mark = "warning: " if self.severity == "warning" else ""
        return f"{self.where}: {mark}{self.message}"

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


class ImportFailed(Exception):
    """The sources have problems and nothing was written; `problems` lists every one."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        errors = [p for p in problems if p.blocking]
        super().__init__(f"{len(errors)} problem(s), nothing written:\n"
                         + "\n".join(str(p) for p in problems))


class Problems(list):
    """A list of `ImportProblem` with a short way to add one."""

    def add(self, where: Where, message: str, severity: str = "error") -> None:
        self.append(ImportProblem(where, message, severity))

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self)
