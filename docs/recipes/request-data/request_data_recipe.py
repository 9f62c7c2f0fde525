"""Request data recipe: query strings, HTML forms, JSON bodies, file uploads and headers,
each read from the `request` object, with size limits set in the config."""

from pathlib import Path

from werkzeug.utils import secure_filename

from kolba import Kolba, abort, request

app = Kolba(__name__)
app.config.update(
    MAX_CONTENT_LENGTH=1024 * 1024,  # larger request bodies are refused with 413
    UPLOAD_FOLDER=Path(__file__).parent / "uploads",
)

ALLOWED_EXTENSIONS = {".png", ".jpg", ".txt"}


@app.get("/search")
def search():
    return {
        "q": request.args.get("q", ""),
        "page": request.args.get("page", 1, type=int),
        "tags": request.args.getlist("tag"),
    }


@app.post("/login")
def login():
    username = request.form["username"]  # a missing field answers 400
    remember = request.form.get("remember") == "on"
    return {"username": username, "remember": remember}


@app.post("/api/notes")
def create_note():
    data = request.get_json()  # not JSON: 415; malformed JSON: 400
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        abort(400, description='Send a JSON object with a "text" string.')
    return {"text": data["text"], "tags": data.get("tags", [])}, 201


@app.post("/upload")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        abort(400, description="Choose a file to upload.")
    filename = secure_filename(file.filename)
    if Path(filename).suffix.lower() not in ALLOWED_EXTENSIONS:
        abort(400, description="Only .png, .jpg and .txt files are accepted.")
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    file.save(folder / filename)
    return {"saved": filename, "title": request.form.get("title", "")}, 201


@app.get("/whoami")
def whoami():
    return {
        "user_agent": request.headers.get("User-Agent"),
        "language": request.accept_languages.best,
        "theme": request.cookies.get("theme", "light"),
        "ip": request.remote_addr,
    }
