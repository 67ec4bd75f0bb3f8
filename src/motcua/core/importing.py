"""What every file import shares: a problem found at a row and column, and the refusal that lists them all.

The catalog import and the historical dossier import check a whole file first and write nothing
unless every row is valid; both report each problem as "row N, column C: message".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.errors import DomainError

MAX_LISTED = 200  # problems listed in the message; `errors` keeps them all


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file: the row (the header is row 1; 0: the file as a whole) and column."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportFailed(DomainError):
    """Nothing of the file was written: `errors` lists every problem found."""

    code = "import-invalid"

    def __init__(self, errors: list[RowError], **kwargs: Any) -> None:
        self.errors = errors
        super().__init__(
            ngettext(
                "The file was not imported: %(n)s problem to fix.",
                "The file was not imported: %(n)s problems to fix.",
                len(errors),
            )
            % {"n": len(errors)}
            + "\n"
            + "\n".join(str(e) for e in errors[:MAX_LISTED]),
            **kwargs,
        )
