"""A real WSGI server (gunicorn) on 127.0.0.1 serving a test app, for bad-input tests over HTTP."""
