"""kolba-cors: cross-origin resource sharing for kolba, with Flask-CORS's API and the Fetch
standard's rules: ``CORS(app)`` for the whole app, ``@cross_origin()`` for one view.

Flask-CORS's modules are here under the same names: ``kolba_cors.core`` (header names and
helpers), ``kolba_cors.decorator`` and ``kolba_cors.extension``.
"""

from __future__ import annotations

from .decorator import cross_origin as cross_origin
from .extension import CORS as CORS

__all__ = ["CORS", "__version__", "cross_origin"]

__version__ = "0.1.0"
