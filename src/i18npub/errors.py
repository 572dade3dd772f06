"""The root of the errors i18npub raises on purpose.

Every error the library raises for bad input, an unreachable provider or a busy file is an
:class:`I18npubError`, so a caller can catch them all and tell them from bugs. ``str(error)`` is
one line naming what failed (a file, a source, an engine). ``retryable`` says, as data, whether
the same call may succeed later (a timeout, HTTP 429/5xx, a catalog another process is
rewriting): the Prefect tasks retry on it and nothing parses messages to guess.
"""

from __future__ import annotations


class I18npubError(Exception):
    """An error i18npub raises on purpose; ``retryable``: the same call may succeed later."""

    retryable: bool = False

    def __init__(self, message: str = "", *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


def is_retryable(error: BaseException) -> bool:
    """True for an :class:`I18npubError` that may succeed if tried again."""
    return isinstance(error, I18npubError) and error.retryable
