"""Class-based views recipe: a REST-style task API written as one MethodView.
One view function is registered under three URL rules, each allowing its own HTTP methods."""

from kolba import Kolba, abort, jsonify, request, url_for
from kolba.views import MethodView


class TaskStore:
    """In-memory storage; each app built by create_app() gets its own."""

    def __init__(self):
        self.tasks = {}
        self.next_id = 1

    def add(self, title):
        task = {"id": self.next_id, "title": title, "done": False}
        self.tasks[task["id"]] = task
        self.next_id += 1
        return task


def task_json(task):
    # _method="GET": during a POST, url_for would otherwise pick the POST-only "/tasks/" rule.
    return {**task, "url": url_for("tasks", task_id=task["id"], _method="GET")}


def read_task_fields(required):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="Send a JSON object.")
    if required and "title" not in data:
        abort(400, description="'title' is required.")
    if "title" in data and not (isinstance(data["title"], str) and data["title"].strip()):
        abort(400, description="'title' must be a non-empty string.")
    if "done" in data and not isinstance(data["done"], bool):
        abort(400, description="'done' must be true or false.")
    return data


class TaskAPI(MethodView):
    # One instance serves every request: it only holds the store handed to as_view().
    init_every_request = False

    def __init__(self, store):
        self.store = store

    def find(self, task_id):
        if task_id not in self.store.tasks:
            abort(404, description=f"No task {task_id}.")
        return self.store.tasks[task_id]

    def get(self, task_id):
        if task_id is None:
            return jsonify(tasks=[task_json(t) for t in self.store.tasks.values()])
        return jsonify(task_json(self.find(task_id)))

    def post(self):
        task = self.store.add(read_task_fields(required=True)["title"].strip())
        return jsonify(task_json(task)), 201, {"Location": task_json(task)["url"]}

    def put(self, task_id):
        task = self.find(task_id)
        data = read_task_fields(required=False)
        task.update({key: data[key] for key in ("title", "done") if key in data})
        return jsonify(task_json(task))

    def delete(self, task_id):
        del self.store.tasks[self.find(task_id)["id"]]
        return "", 204


def register_api(app, store):
    view = TaskAPI.as_view("tasks", store)
    app.add_url_rule("/tasks/", defaults={"task_id": None}, view_func=view, methods=["GET"])
    app.add_url_rule("/tasks/", view_func=view, methods=["POST"])
    app.add_url_rule("/tasks/<int:task_id>", view_func=view, methods=["GET", "PUT", "DELETE"])


def create_app():
    app = Kolba(__name__)

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    def json_error(error):
        return jsonify(error=error.description), error.code

    register_api(app, TaskStore())
    return app
