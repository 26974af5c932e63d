"""The request handler both local test sites build on: quiet, HEAD answered like GET."""

from http.server import BaseHTTPRequestHandler


class PageHandler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        return self.do_GET()

    def _send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass  # keep the test output readable
