"""A problem found by a check: printed as `file:line: RULE-ID message`."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    rule: str
    message: str
    blocking: bool = True  # False: reported, but does not fail the check

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule} {self.message}"
