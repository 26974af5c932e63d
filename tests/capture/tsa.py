"""A real RFC 3161 time-stamping authority on 127.0.0.1 for the tests.

It answers application/timestamp-query POSTs (a route of tests/support's Website)
with `openssl ts -reply`, signed by a self-signed certificate made here whose
extended key usage is a critical timeStamping, so `openssl ts -verify -CAfile`
and rfc3161-client both accept its tokens. `misbehave` switches it to a broken
TSA for the error paths.
"""

import datetime
import subprocess
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.support.website import Website

OPENSSL_CONFIG = """\
[ tsa ]
default_tsa = test_tsa

[ test_tsa ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def make_tsa_certificate(common_name="newsclips test TSA"):
    """A self-signed TSA certificate and its key, as PEM bytes."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class TimestampAuthority:
    """The responder, a route of tests/support's Website: `url` to POST queries to,
    `ca_pem`/`ca_file` to trust its tokens."""

    # What a broken TSA answers instead of a token: Website.add's keyword arguments.
    BROKEN = {
        "garbage": {"body": b"this is not a timestamp"},
        "huge": {"body": b"\0" * (1024 * 1024)},
        "error": {"status": 500},
        "html": {"body": b"<html>proxy login</html>", "content_type": "text/html"},
    }

    def __init__(self, directory, common_name="newsclips test TSA"):
        self.dir = Path(directory)
        self.ca_pem, key_pem = make_tsa_certificate(common_name)
        self.ca_file = self.dir / "tsa.pem"
        self.ca_file.write_bytes(self.ca_pem)
        (self.dir / "tsa.key").write_bytes(key_pem)
        (self.dir / "serial").write_text("01\n")
        self.config = self.dir / "openssl.cnf"
        self.config.write_text(OPENSSL_CONFIG.format(dir=self.dir))
        self._lock = threading.Lock()
        self.site = Website()
        self.url = self.site.url("/tsa")
        self.misbehave = None

    def __enter__(self):
        self.site.start()
        return self

    def __exit__(self, *exc):
        self.site.stop()

    @property
    def misbehave(self):
        """None (tokens), or a key of BROKEN: the TSA answers that from now on."""
        return self._misbehave

    @misbehave.setter
    def misbehave(self, mode):
        self._misbehave = mode
        answer = self.BROKEN[mode] if mode else {"body": self._answer}
        self.site.add("/tsa", **{"content_type": "application/timestamp-reply", **answer})

    def reply(self, query):
        """The DER TimeStampResp that `openssl ts -reply` makes for `query`."""
        with self._lock, tempfile.TemporaryDirectory(dir=self.dir) as work:
            query_file, reply_file = Path(work) / "query.tsq", Path(work) / "reply.tsr"
            query_file.write_bytes(query)
            subprocess.run(
                [
                    "openssl", "ts", "-reply", "-config", str(self.config),
                    "-queryfile", str(query_file), "-out", str(reply_file),
                ],
                check=True,
                capture_output=True,
            )  # fmt: skip
            return reply_file.read_bytes()

    def _answer(self, request):
        # Only a POSTed timestamp query gets a token; anything else gets no answer at all.
        if request.method != "POST" or (
            request.headers.get_content_type() != "application/timestamp-query"
        ):
            return b""
        return self.reply(request.body)
