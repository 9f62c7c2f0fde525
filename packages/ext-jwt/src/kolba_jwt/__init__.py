"""kolba-jwt: JSON Web Token authentication for kolba with flask-jwt-extended 4.7's API, plus
key sets for rotation, a JWKS helper and revocation in Redis."""

from .jwt_manager import JWTManager as JWTManager
from .keys import Key as Key
from .keys import KeySet as KeySet
from .keys import jwks_response as jwks_response
from .revocation import new_family as new_family
from .revocation import revoke_token as revoke_token
from .revocation import rotate_refresh_token as rotate_refresh_token
from .utils import create_access_token as create_access_token
from .utils import create_refresh_token as create_refresh_token
from .utils import current_user as current_user
from .utils import decode_token as decode_token
from .utils import get_csrf_token as get_csrf_token
from .utils import get_current_user as get_current_user
from .utils import get_jti as get_jti
from .utils import get_jwt as get_jwt
from .utils import get_jwt_header as get_jwt_header
from .utils import get_jwt_identity as get_jwt_identity
from .utils import get_jwt_request_location as get_jwt_request_location
from .utils import get_unverified_jwt_headers as get_unverified_jwt_headers
from .utils import set_access_cookies as set_access_cookies
from .utils import set_refresh_cookies as set_refresh_cookies
from .utils import unset_access_cookies as unset_access_cookies
from .utils import unset_jwt_cookies as unset_jwt_cookies
from .utils import unset_refresh_cookies as unset_refresh_cookies
from .view_decorators import jwt_required as jwt_required
from .view_decorators import verify_jwt_in_request as verify_jwt_in_request

__version__ = "0.1.0"
