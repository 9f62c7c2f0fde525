"""The demo app that README's first command serves: a small multi-user site on every
first-party extension.

Accounts (kolba-forms with CSRF, e-mail confirmation through kolba-mail, an avatar stored by
kolba-upload), posts in kolba-sqlalchemy, a JSON API behind kolba-jwt that kolba-cors opens to a
separate front end, and sessions in Redis through kolba-session-redis when configured.

Nothing needs configuring: SQLite in the instance folder, avatars on local disk, mail printed
in the terminal and signed-cookie sessions. Environment variables switch in real services:
DATABASE_URL, SESSION_REDIS_URL, JWT_REDIS_URL, MAIL_SERVER (with MAIL_PORT, MAIL_USERNAME,
MAIL_PASSWORD, MAIL_USE_TLS), UPLOAD_S3_BUCKET (with UPLOAD_S3_ENDPOINT_URL, UPLOAD_S3_REGION),
DEMO_FRONTEND_ORIGINS (comma-separated origins of the separate front end) and SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from kolba import (
    Blueprint,
    Kolba,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from kolba_cors import CORS
from kolba_forms import CSRFProtect, KolbaForm
from kolba_forms.file import FileAllowed, FileField, FileRequired
from kolba_jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    revoke_token,
)
from kolba_mail import Mail, Message
from kolba_sqlalchemy import SQLAlchemy
from kolba_upload import IMAGES, Uploads, UploadSet

HERE = Path(__file__).resolve().parent
POSTS_PER_PAGE = 5
CONFIRM_MAX_AGE = 24 * 3600

db = SQLAlchemy()
mail = Mail()
csrf = CSRFProtect()
jwt = JWTManager()
cors = CORS()
avatars = UploadSet("avatars", IMAGES, max_size=2 * 1024 * 1024, check_content=True)
uploads = Uploads(None, avatars)


class User(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    confirmed: Mapped[bool] = mapped_column(default=False)
    avatar: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(sa.String(500))
    created: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    author: Mapped[User] = relationship(back_populates="posts")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "body": self.body,
            "author": self.author.name,
            "created": self.created.isoformat(),
        }


class RegisterForm(KolbaForm):
    name = StringField("Name", [DataRequired(), Length(max=50)])
    email = EmailField("E-mail", [DataRequired(), Email()])
    password = PasswordField("Password", [DataRequired(), Length(min=8)])
    confirm = PasswordField("Repeat password", [EqualTo("password", "Passwords must match.")])


class LoginForm(KolbaForm):
    email = EmailField("E-mail", [DataRequired(), Email()])
    password = PasswordField("Password", [DataRequired()])


class PostForm(KolbaForm):
    body = TextAreaField("What's new?", [DataRequired(), Length(max=500)])


class AvatarForm(KolbaForm):
    avatar = FileField("Avatar", [FileRequired(), FileAllowed(IMAGES, "Images only.")])


class LogoutForm(KolbaForm):
    """No fields: it carries the CSRF token, so logging out takes a POST from this site."""


def _environment_config() -> dict[str, Any]:
    """The settings environment variables give: real services when they are configured."""
    env = os.environ
    config: dict[str, Any] = {}
    if env.get("SECRET_KEY"):
        config["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("SESSION_REDIS_URL"):
        config["SESSION_REDIS_URL"] = env["SESSION_REDIS_URL"]
    if env.get("JWT_REDIS_URL"):
        config["JWT_REDIS_URL"] = env["JWT_REDIS_URL"]
    if env.get("MAIL_SERVER"):
        config.update(
            MAIL_TRANSPORT="smtp",
            MAIL_SERVER=env["MAIL_SERVER"],
            MAIL_PORT=int(env.get("MAIL_PORT", "587")),
            MAIL_USE_TLS=env.get("MAIL_USE_TLS", "1") not in ("0", "false", ""),
            MAIL_USERNAME=env.get("MAIL_USERNAME"),
            MAIL_PASSWORD=env.get("MAIL_PASSWORD"),
        )
    if env.get("UPLOAD_S3_BUCKET"):
        config.update(UPLOAD_BACKEND="s3", UPLOAD_S3_BUCKET=env["UPLOAD_S3_BUCKET"])
        for key in ("UPLOAD_S3_ENDPOINT_URL", "UPLOAD_S3_REGION"):
            if env.get(key):
                config[key] = env[key]
    if env.get("DEMO_FRONTEND_ORIGINS"):
        config["DEMO_FRONTEND_ORIGINS"] = env["DEMO_FRONTEND_ORIGINS"].split(",")
    return config


def create_app(config: dict[str, Any] | None = None) -> Kolba:
    """Build the demo app: defaults, then the environment's services, then `config` (tests)."""
    app = Kolba(__name__, instance_path=str(HERE / "instance"))
    app.config.update(
        # A fresh key per start signs sessions and links; set SECRET_KEY to keep them valid.
        SECRET_KEY=secrets.token_hex(32),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{HERE / 'instance' / 'demo.db'}",
        MAIL_TRANSPORT="console",
        MAIL_DEFAULT_SENDER=("kolba demo", "demo@localhost"),
        UPLOAD_FOLDER=str(HERE / "instance" / "uploads"),
        DEMO_FRONTEND_ORIGINS=["http://localhost:5001", "http://127.0.0.1:5001"],
        # The demo serves plain HTTP; behind TLS, leave these at their secure defaults.
        JWT_COOKIE_SECURE=False,
    )
    app.config.update(_environment_config())
    app.config.update(config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    jwt.init_app(app)
    uploads.init_app(app)
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": app.config["DEMO_FRONTEND_ORIGINS"]}},
        allow_headers=["Authorization", "Content-Type"],
    )
    if app.config.get("SESSION_REDIS_URL"):
        # Imported here: without Redis configured the demo keeps kolba's signed-cookie sessions.
        from kolba_session_redis import Session

        app.config.setdefault("SESSION_TYPE", "redis")
        Session(app)
    _use_revocation(app)

    app.register_blueprint(_site())
    api = _api()
    csrf.exempt(api)
    app.register_blueprint(api)

    with app.app_context():
        db.create_all()
    return app


def _use_revocation(app: Kolba) -> None:
    """Revoked tokens live in Redis when JWT_REDIS_URL is set (kolba-jwt's store), else in a
    set held by the app, which is enough for one process."""
    if not (app.config.get("JWT_REDIS_URL") or app.config.get("JWT_REDIS")):
        app.extensions["demo.revoked"] = set()


@jwt.token_in_blocklist_loader
def _is_revoked(header: dict[str, Any], payload: dict[str, Any]) -> bool:
    revoked = current_app.extensions.get("demo.revoked")
    return revoked is not None and payload["jti"] in revoked


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="demo.confirm")


def _current_user() -> User | None:
    user_id = session.get("user_id")
    return db.session.get(User, user_id) if user_id is not None else None


def login_required(view: Any) -> Any:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            flash("Log in first.")
            return redirect(url_for("site.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def _site() -> Blueprint:
    bp = Blueprint("site", __name__)

    @bp.before_app_request
    def load_user() -> None:
        g.user = _current_user()

    @bp.app_context_processor
    def layout() -> dict[str, Any]:
        return {"current_user": g.get("user"), "logout_form": LogoutForm(), "avatars": avatars}

    @bp.get("/favicon.ico")
    def favicon() -> Any:
        return send_from_directory(HERE / "static", "favicon.svg", mimetype="image/svg+xml")

    @bp.get("/")
    def index() -> str:
        page = db.paginate(
            sa.select(Post).order_by(Post.id.desc()), per_page=POSTS_PER_PAGE, error_out=False
        )
        return render_template("index.html", page=page, form=PostForm())

    @bp.post("/posts")
    @login_required
    def create_post() -> Any:
        form = PostForm()
        if not form.validate_on_submit():
            page = db.paginate(sa.select(Post).order_by(Post.id.desc()), per_page=POSTS_PER_PAGE)
            return render_template("index.html", page=page, form=form), 400
        db.session.add(Post(body=form.body.data, author=g.user))
        db.session.commit()
        flash("Posted.")
        return redirect(url_for("site.index"))

    @bp.route("/register", methods=["GET", "POST"])
    def register() -> Any:
        form = RegisterForm()
        if form.validate_on_submit():
            email = form.email.data.strip().lower()
            if db.session.scalar(sa.select(User).where(User.email == email)) is not None:
                form.email.errors.append("An account with this e-mail exists; log in instead.")
            else:
                user = User(
                    email=email,
                    name=form.name.data.strip(),
                    password_hash=generate_password_hash(form.password.data),
                )
                db.session.add(user)
                db.session.commit()
                _send_confirmation(user)
                flash(f"Welcome, {user.name}! Confirm your address with the link we mailed you.")
                return redirect(url_for("site.login"))
        status = 400 if form.errors else 200
        return render_template("register.html", form=form), status

    @bp.get("/confirm/<token>")
    def confirm(token: str) -> Any:
        try:
            user_id = _serializer().loads(token, max_age=CONFIRM_MAX_AGE)
        except SignatureExpired:
            flash("That link has expired; register again.")
            return redirect(url_for("site.register"))
        except BadSignature:
            abort(404)
        user = db.get_or_404(User, user_id)
        user.confirmed = True
        db.session.commit()
        flash("Your address is confirmed. You can log in now.")
        return redirect(url_for("site.login"))

    @bp.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        form = LoginForm()
        if form.validate_on_submit():
            user = _authenticate(form.email.data, form.password.data)
            if user is None:
                form.password.errors.append("Wrong e-mail or password.")
            elif not user.confirmed:
                form.email.errors.append("Confirm your address first: follow the mailed link.")
            else:
                session.clear()
                session["user_id"] = user.id
                flash(f"Hello, {user.name}.")
                target = request.args.get("next", "")
                # Only paths of this site: an absolute URL here would be an open redirect.
                if not target.startswith("/") or target.startswith("//"):
                    target = url_for("site.index")
                return redirect(target)
        status = 400 if form.errors else 200
        return render_template("login.html", form=form), status

    @bp.post("/logout")
    def logout() -> Any:
        if LogoutForm().validate_on_submit():
            session.clear()
            flash("You are logged out.")
        return redirect(url_for("site.index"))

    @bp.route("/profile", methods=["GET", "POST"])
    @login_required
    def profile() -> Any:
        form = AvatarForm()
        if form.validate_on_submit():
            stored = avatars.save(form.avatar.data)
            old = g.user.avatar
            g.user.avatar = str(stored)
            db.session.commit()
            if old:
                avatars.delete(old)
            flash("Avatar updated.")
            return redirect(url_for("site.profile"))
        status = 400 if form.errors else 200
        return render_template("profile.html", form=form), status

    return bp


def _authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def _send_confirmation(user: User) -> None:
    link = url_for("site.confirm", token=_serializer().dumps(user.id), _external=True)
    mail.send(
        Message(
            "Confirm your kolba demo account",
            recipients=[user.email],
            body=f"Hello {user.name},\n\nconfirm your address by opening\n\n{link}\n",
        )
    )


def _api() -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.post("/token")
    def token() -> Any:
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not all(
            isinstance(data.get(k), str) for k in ("email", "password")
        ):
            return {"error": 'Send JSON {"email": "...", "password": "..."}.'}, 400
        user = _authenticate(data["email"], data["password"])
        if user is None or not user.confirmed:
            return {"error": "Wrong e-mail or password, or the address is not confirmed."}, 401
        identity = str(user.id)
        return {
            "access_token": create_access_token(identity),
            "refresh_token": create_refresh_token(identity),
        }

    @bp.post("/refresh")
    @jwt_required(refresh=True)
    def refresh() -> Any:
        return {"access_token": create_access_token(get_jwt_identity())}

    @bp.post("/logout")
    @jwt_required(verify_type=False)
    def revoke() -> Any:
        revoked = current_app.extensions.get("demo.revoked")
        if revoked is None:
            revoke_token()
        else:
            revoked.add(get_jwt()["jti"])
        return {"revoked": get_jwt()["type"]}

    @bp.get("/me")
    @jwt_required()
    def me() -> Any:
        user = db.get_or_404(User, int(get_jwt_identity()))
        return {"id": user.id, "name": user.name, "email": user.email}

    @bp.get("/posts")
    @jwt_required()
    def posts() -> Any:
        page = db.paginate(sa.select(Post).order_by(Post.id.desc()), per_page=POSTS_PER_PAGE)
        return {
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
            "posts": [post.to_dict() for post in page.items],
        }

    @bp.post("/posts")
    @jwt_required()
    def add_post() -> Any:
        data = request.get_json(silent=True)
        body = data.get("body") if isinstance(data, dict) else None
        if not isinstance(body, str) or not body.strip() or len(body) > 500:
            return {"error": 'Send JSON {"body": "..."} with 1 to 500 characters.'}, 400
        user = db.get_or_404(User, int(get_jwt_identity()))
        post = Post(body=body.strip(), author=user)
        db.session.add(post)
        db.session.commit()
        return post.to_dict(), 201

    return bp


app = create_app()
