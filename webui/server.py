"""Serving the app on waitress: the address checked before anything else starts, and a sentence when it is taken;
for several serving processes, the one listening socket they share.

`OSError: [Errno 98] Address already in use` tells an operator little; they need to hear which port is
busy and how to pick another.
"""
from __future__ import annotations

import errno
import logging
import socket

import waitress
from flask import Flask

# waitress's default backlog: connections the system queues before a process accepts them.
_BACKLOG = 1024


class PortUnavailable(Exception):
    """The server cannot listen on the address asked for; the message says why and what to do."""


def check_port(host: str, port: int) -> None:
    """Raise PortUnavailable unless a server could listen on host:port now (checked before a long index run)."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise PortUnavailable(f"The address {host} is not known here; use --host 127.0.0.1 (this machine only).") from None
    with socket.socket(family, kind, protocol) as probe:
        # As waitress does, so a port whose last connections are closing (TIME_WAIT) does not count as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise PortUnavailable(_sentence(host, port, error)) from None


def create_server(app: Flask, host: str, port: int, threads: int):
    """A waitress server listening on host:port (call its run()); raises PortUnavailable with a sentence."""
    logging.basicConfig()  # waitress reports queue build-up and failed requests through logging
    try:
        return waitress.create_server(app, host=host, port=port, threads=threads, ident="fazhi-search", **_LOOP)
    except OSError as error:
        raise PortUnavailable(_sentence(host, port, error)) from None


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port and listening (port 0: any free port), for serving processes to share;
    raises PortUnavailable with a sentence."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise PortUnavailable(f"The address {host} is not known here; use --host 127.0.0.1 (this machine only).") from None
    listener = socket.socket(family, kind, protocol)
    try:
        # As waitress sets its own sockets up.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listener.bind(address)
        listener.listen(_BACKLOG)
    except OSError as error:
        listener.close()
        raise PortUnavailable(_sentence(host, port, error)) from None
    return listener


def create_server_on(app: Flask, listener: socket.socket, threads: int):
    """A waitress server accepting connections on a socket already listening (call its run())."""
    logging.basicConfig()
    return waitress.create_server(app, sockets=[listener], threads=threads, ident="fazhi-search", backlog=_BACKLOG, **_LOOP)


# waitress watches its sockets with poll(), not select(): select() takes no descriptor above 1024, and a national
# index keeps hundreds of segment files open per searcher thread, so a connection's socket is numbered past it (a
# serving process at 200,000 reports died under load with "filedescriptor out of range in select()").
_LOOP = {"asyncore_use_poll": True}


def _sentence(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (f"Port {port} on {host} is already in use (by another fazhi serve or another program); stop that "
                f"program or pick another port with --port, e.g. fazhi serve --port {port + 1 if port < 65535 else 5000}.")
    if error.errno == errno.EACCES:
        return f"Listening on port {port} needs administrator rights; pick a port above 1023 with --port, e.g. --port 5000."
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine; use --host 127.0.0.1 (this machine only) or one of its addresses."
    return f"The server cannot listen on {host}:{port} ({error.strerror or error}); pick another port with --port."
