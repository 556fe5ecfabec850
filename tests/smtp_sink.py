"""A local SMTP server for tests: it keeps every message it is given, and can be told to go
silent after receiving one (the moment a sender is killed in a real outage).

Enough SMTP for Django's smtp backend: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
"""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import Message


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.received = threading.Condition()
        # While set, the sink takes a message's data but never says it was accepted.
        self.stall_after_data = threading.Event()
        self.released = threading.Event()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink._serve(self.rfile, self.wfile)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        with self.received:
            return self.received.wait_for(lambda: len(self.messages) >= count, timeout)

    def _serve(self, rfile, wfile) -> None:
        def say(line: str) -> None:
            wfile.write(f"{line}\r\n".encode())
            wfile.flush()

        say("220 sink ESMTP")
        while True:
            line = rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                say("250 sink")
            elif verb in {"MAIL", "RCPT", "RSET", "NOOP"}:
                say("250 OK")
            elif verb == "DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                for data in iter(rfile.readline, b""):
                    if data in {b".\r\n", b".\n"}:
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                with self.received:
                    self.messages.append(email.message_from_bytes(b"".join(lines)))
                    self.received.notify_all()
                if self.stall_after_data.is_set():
                    self.released.wait(timeout=120)
                    return
                say("250 OK: queued")
            elif verb == "QUIT":
                say("221 Bye")
                return
            else:
                say("502 Not implemented")
