"""kolba-cors: cross-origin resource sharing for kolba, with Flask-CORS's API and the Fetch
standard's rules: ``CORS(app)`` for the whole app, ``@cross_origin()`` for one view.
"""

from __future__ import annotations

from .decorator import cross_origin as cross_origin
from .extension import CORS as CORS

__version__ = "0.1.0"
