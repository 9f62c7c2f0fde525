"""Bring your Flask extensions: Flask-Login and Flask-Limiter, unmodified, on a kolba app with
kolba-cors, through kolba-flask-bridge."""

# First, before any Flask extension: from here on `import flask` is kolba.
import kolba_flask_bridge  # noqa: F401

# isort: split
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user

from kolba import Kolba, request
from kolba_cors import CORS

app = Kolba(__name__)
app.config.update(
    SECRET_KEY="change me",
    RATELIMIT_STORAGE_URI="memory://",
    RATELIMIT_HEADERS_ENABLED=True,
    CORS_ORIGINS=["https://app.example.com"],
)
login_manager = LoginManager(app)
limiter = Limiter(get_remote_address, app=app)
CORS(app)


class User(UserMixin):
    def __init__(self, name: str) -> None:
        self.id = name


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return User(user_id) if user_id == "ada" else None


@app.post("/login")
@limiter.limit("5 per minute")
def login():
    if request.form.get("name") != "ada":
        return {"error": "unknown user"}, 401
    login_user(User("ada"), remember=True)
    return {"logged_in": "ada"}


@app.get("/me")
@login_required
async def me():
    return {"user": current_user.id}
