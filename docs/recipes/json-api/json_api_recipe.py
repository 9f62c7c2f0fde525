"""JSON API recipe: a to-do list API with JSON bodies in and out, validation errors as JSON, and a
custom JSON provider that writes dates in ISO 8601."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from werkzeug.exceptions import HTTPException

from kolba import Kolba, abort, jsonify, request, url_for
from kolba.json.provider import DefaultJSONProvider


class ISODateJSONProvider(DefaultJSONProvider):
    """Dates as "2024-05-06T07:08:09+00:00" instead of the default HTTP date format."""

    @staticmethod
    def default(o):
        if isinstance(o, date):  # datetime is a subclass of date
            return o.isoformat()
        return DefaultJSONProvider.default(o)


class ApiKolba(Kolba):
    json_provider_class = ISODateJSONProvider


@dataclass
class Todo:
    id: int
    title: str
    done: bool = False
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


def create_app():
    app = ApiKolba(__name__)
    app.json.sort_keys = False  # keep fields in the order the dataclass declares them
    todos: dict[int, Todo] = {}

    @app.errorhandler(HTTPException)
    def error_as_json(error):
        return {"error": error.name, "message": error.description}, error.code

    def get_or_404(todo_id):
        if todo_id not in todos:
            abort(404, description=f"No to-do with id {todo_id}.")
        return todos[todo_id]

    def json_body():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            abort(400, description="Send a JSON object with Content-Type: application/json.")
        return data

    @app.get("/api/todos")
    def list_todos():
        return list(todos.values())

    @app.post("/api/todos")
    def create_todo():
        title = json_body().get("title")
        if not isinstance(title, str) or not title.strip():
            abort(400, description="'title' must be a non-empty string.")
        todo = Todo(id=max(todos, default=0) + 1, title=title.strip())
        todos[todo.id] = todo
        return jsonify(todo), 201, {"Location": url_for("get_todo", todo_id=todo.id)}

    @app.get("/api/todos/<int:todo_id>")
    def get_todo(todo_id):
        return jsonify(get_or_404(todo_id))

    @app.patch("/api/todos/<int:todo_id>")
    def update_todo(todo_id):
        todo = get_or_404(todo_id)
        done = json_body().get("done")
        if not isinstance(done, bool):
            abort(400, description="'done' must be true or false.")
        todo.done = done
        return jsonify(todo)

    @app.delete("/api/todos/<int:todo_id>")
    def delete_todo(todo_id):
        del todos[get_or_404(todo_id).id]
        return "", 204

    return app


app = create_app()
