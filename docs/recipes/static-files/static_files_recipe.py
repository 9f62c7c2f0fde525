"""Static files and downloads recipe: a stylesheet served from static/, files downloaded from a
private folder with send_from_directory, and a CSV built in memory and sent with send_file."""

import csv
import io
import os

from kolba import Kolba, render_template_string, send_file, send_from_directory

app = Kolba(__name__)
app.config.update(
    # Let browsers cache static files and downloads for an hour (the default is to revalidate).
    SEND_FILE_MAX_AGE_DEFAULT=3600,
    # Files offered for download live outside static/, so only this view can serve them.
    DOWNLOAD_FOLDER=os.environ.get("DOWNLOAD_FOLDER", os.path.join(app.instance_path, "downloads")),
)

SALES = [("2024-01", 120), ("2024-02", 95), ("2024-03", 143)]

PAGE = """<!doctype html>
<link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}">
<h1>Reports</h1>
<a href="{{ url_for('sales_report') }}">Sales report (CSV)</a>
"""


@app.get("/")
def index():
    return render_template_string(PAGE)


@app.get("/downloads/<path:name>")
def download(name):
    # A name that would leave the folder ("../", an absolute path) is answered with 404.
    return send_from_directory(app.config["DOWNLOAD_FOLDER"], name, as_attachment=True)


@app.get("/reports/sales.csv")
def sales_report():
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["month", "units"])
    writer.writerows(SALES)
    data = io.BytesIO(text.getvalue().encode())
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name="sales.csv")
