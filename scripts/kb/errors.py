"""The one error type the CLI turns into `error: PATH: reason`."""


class KbError(Exception):
    """A problem with one input file; `path` names it, the message says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
