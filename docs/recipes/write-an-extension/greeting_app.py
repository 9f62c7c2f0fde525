"""An app factory that enables the sample greeting extension: one extension object at module
level, initialised on each app the factory makes."""

from kolba_greeting import Greeting, greet

from kolba import Kolba, render_template_string

greeting = Greeting()


def create_app(config=None):
    app = Kolba(__name__)
    app.config.from_mapping(config or {})
    greeting.init_app(app)

    @app.get("/hello/<name>")
    def hello(name):
        return greet(name)

    @app.get("/page/<name>")
    def page(name):
        return render_template_string("<p>{{ greeting(name) }}</p>", name=name)

    return app
