#!/usr/bin/env python3
"""A stub Open Inference Protocol server that stalls: every inference request that arrives in the
first STALL seconds after the first one is held until that window ends, then all are answered;
later ones are answered at once. It proves that `greenbatch load` keeps sending on schedule while
the server does not answer (open loop).

    stall_server.py STALL_SECONDS MAX_REQUESTS

Binds 127.0.0.1 on a free port and prints "listening on http://127.0.0.1:PORT"; serves model
"stub" (one BYTES input); exits after MAX_REQUESTS inference requests or 120 s, whichever first.
"""

import http.server
import json
import sys
import threading
import time

STALL = float(sys.argv[1])
MAX_REQUESTS = int(sys.argv[2])
lock = threading.Lock()
first = None
served = 0
done = threading.Event()

METADATA = json.dumps({"name": "stub", "versions": ["1"], "platform": "stub",
                       "inputs": [{"name": "image", "datatype": "BYTES", "shape": [-1]}],
                       "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, 1]}]})
ANSWER = json.dumps({"model_name": "stub", "outputs": [
    {"name": "logits", "datatype": "FP32", "shape": [1, 1], "data": [0.0]}]})


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as load's connections expect

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/v2/models/stub":
            self.reply(200, METADATA)
        elif self.path == "/v2/health/ready":
            self.reply(200, '{"ready": true}')
        else:
            self.reply(404, '{"error": "no such endpoint"}')

    def do_POST(self):
        global first, served
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            now = time.monotonic()
            if first is None:
                first = now
            release = first + STALL
        if now < release:
            time.sleep(release - now)
        self.reply(200, ANSWER)
        with lock:
            served += 1
            if served >= MAX_REQUESTS:
                done.set()


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024  # connections arrive faster than one accept loop at the stall's end
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
done.wait(timeout=120)
time.sleep(0.5)  # let the last answers leave
server.shutdown()
