"""Errors of inferbench's Python scripts, shared by the compile script, its transformers loader and the worker."""


class SpecError(Exception):
    """A bad spec or source: the compile script exits 2."""


def one_line(error):
    """The error as one line: TorchScript and Neuron errors put the cause on their last line."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[-1] if lines else ''}".rstrip(": ")
