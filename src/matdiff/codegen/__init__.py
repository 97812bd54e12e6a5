"""Code generation: IR to Python over the array API, and its compilation."""

from .array_api import Generated, generate
from .compile import compile_function

__all__ = ["Generated", "generate", "compile_function"]
