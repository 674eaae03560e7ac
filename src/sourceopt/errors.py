"""The one exception root of sourceopt and its few subclasses.

Every error a user can cause is a :class:`SourceoptError`; messages say what went wrong,
where, and what to do. Input problems are collected, not raised one by one: a
:class:`ScenarioError` carries every :class:`Problem` found in a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class SourceoptError(Exception):
    """Root of every error sourceopt raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the file, the place inside it, and what was expected.

    ``place`` is a key path (``rules[2].limit``) or a table position
    (``offers.csv row 17, column price``).
    """

    file: str
    place: str
    message: str

    def __str__(self) -> str:
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1]
        if self.place == name or self.place.startswith((name + " ", name + ",")):
            # a table file's own place (``offers.csv row 7, ...``): name the file once
            return f"{self.file}{self.place[len(name) :]}: {self.message}"
        where = f"{self.file}: {self.place}" if self.place else self.file
        return f"{where}: {self.message}"


class ScenarioError(SourceoptError):
    """A scenario (or model, or table) file could not be accepted; lists every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))

    @classmethod
    def single(cls, file: str, place: str, message: str) -> ScenarioError:
        """Build an error holding one problem."""
        return cls([Problem(file, place, message)])


class BackendError(SourceoptError):
    """A solver backend is unknown, not installed, or cannot handle the program."""


class SolutionUnavailableError(SourceoptError):
    """A value was asked of a result that has no feasible award (e.g. the objective)."""


class AnalysisError(SourceoptError):
    """An analysis was asked for something that does not exist (metric, variant, rule...)."""


class NoAwardError(AnalysisError):
    """An analysis that needs the base award found none; `status` is the base solve's.

    The command line exits with that status' code (4 infeasible, 5 no award or unbounded,
    6 the solver failed), the service's job fails with reason ``no-award``.
    """

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status
