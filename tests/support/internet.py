"""A tiny internet for the SSRF guard's tests: names resolve as a test says, and connections
to PUBLIC_IP reach the local test web site (a real public host cannot exist here)."""

import socket

from catalog.ingest import netguard

PUBLIC_IP = "93.184.216.34"


def fake_dns(monkeypatch, site):
    """Returns `answers`: a name put in it resolves to its list of addresses (or to what a
    callable returns, asked at each resolution); other names resolve as usual."""
    answers = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port_, *args, **kwargs):
        if host in answers:
            addresses = answers[host]() if callable(answers[host]) else answers[host]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port_)) for ip in addresses]
        return real_getaddrinfo(host, port_, *args, **kwargs)

    real_socket = netguard._plain_socket

    def plain_socket(ip_addr, timeout, source_address):
        family, socktype, proto, name, (ip, _port) = ip_addr
        if ip == PUBLIC_IP:
            ip_addr = (family, socktype, proto, name, ("127.0.0.1", site.port))
        return real_socket(ip_addr, timeout, source_address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(netguard, "_plain_socket", plain_socket)
    return answers
