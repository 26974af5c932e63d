"""For HTTPS sources a capture keeps the server's certificate chain and its fingerprint."""

import hashlib
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from catalog.capture.download import certificate_chain


@pytest.fixture
def https_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate made by openssl."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/v/", cert.read_text()
    server.shutdown()
    server.server_close()


def test_the_chain_and_the_fingerprint_of_the_leaf_are_kept(https_server):
    url, cert_pem = https_server
    pem, fingerprint = certificate_chain(url, allow_private=True)
    assert pem.count("-----BEGIN CERTIFICATE-----") == 1
    der = ssl.PEM_cert_to_DER_cert(cert_pem)
    assert ssl.PEM_cert_to_DER_cert(pem) == der
    assert fingerprint == hashlib.sha256(der).hexdigest()
    # The same fingerprint as `openssl x509 -fingerprint -sha256` prints.
    shown = subprocess.run(
        ["openssl", "x509", "-noout", "-fingerprint", "-sha256"],
        input=cert_pem,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown.split("=", 1)[1].strip().replace(":", "").lower() == fingerprint


def test_the_certificate_connection_obeys_the_network_guard(https_server):
    url, _pem = https_server
    # 127.0.0.1 is refused before any connection: nothing is recorded.
    assert certificate_chain(url, allow_private=False) == ("", "")
