"""What each job kind does: a domain app registers a runner for its kind in its AppConfig.ready
(imports: "import", cooperatives: "export"), so this app imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Job
    from .services import Progress

Runner = Callable[["Job", "Progress"], Any]
_RUNNERS: dict[str, Runner] = {}
_PAGES: dict[str, str] = {}


def register(kind: str, runner: Runner, page: str = "") -> None:
    """`page`: the URL name of the kind's own job page (taking the job's id), if it has one."""
    _RUNNERS[kind] = runner
    if page:
        _PAGES[kind] = page


def runner(kind: str) -> Runner:
    return _RUNNERS[kind]


def page(kind: str) -> str:
    return _PAGES.get(kind, "")
