"""The numpy array type the toolkit's annotations use (any shape, any dtype: the docstrings say which)."""

from typing import Any

import numpy.typing as npt

Arr = npt.NDArray[Any]
