"""Configuration recipe: defaults in one class per environment, then the instance folder's
config.py, then KOLBA_* environment variables, assembled in an application factory."""

from kolba import Kolba


class Config:
    SECRET_KEY = None
    DATABASE_URL = "sqlite:///app.sqlite3"
    ITEMS_PER_PAGE = 20


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = "dev"  # only ever used on a developer's machine


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    DATABASE_URL = "sqlite://"


class ProductionConfig(Config):
    DATABASE_URL = "postgresql://localhost/app"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def create_app(env="production", instance_path=None):
    app = Kolba(__name__, instance_path=instance_path, instance_relative_config=True)
    # Later sources override earlier ones.
    app.config.from_object(CONFIGS[env])
    app.config.from_pyfile("config.py", silent=True)  # <instance folder>/config.py
    app.config.from_prefixed_env("KOLBA")  # KOLBA_SECRET_KEY=..., KOLBA_ITEMS_PER_PAGE=50
    if not app.config["SECRET_KEY"]:
        raise RuntimeError(
            "SECRET_KEY is not set: put SECRET_KEY = '...' in "
            f"{app.instance_path}/config.py or export KOLBA_SECRET_KEY."
        )

    @app.get("/settings")
    def settings():
        # Never echo secrets or connection strings: they may hold passwords.
        return {"debug": app.debug, "items_per_page": app.config["ITEMS_PER_PAGE"]}

    return app
