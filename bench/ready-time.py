#!/usr/bin/env python3
"""Ready time of LogoutEnricher: from process start to the first 200 on /health/ready, on an existing SQLite database.

Usage: bench/ready-time.py [--runs 7] NAME=DLL [NAME=DLL ...] [--env NAME:VAR=VALUE ...]
Each variant is started --runs times (after one unmeasured start that creates the database and the signing key) against
a static provider (discovery + JWKS served from a local directory); prints the median and the spread per variant.
"""
import http.client, http.server, json, os, socket, statistics, subprocess, sys, tempfile, threading, time, base64

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def serve_provider():
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/realms/demo"
    # A JWKS with one RSA key (public numbers only; never used to verify anything here).
    n = base64.urlsafe_b64encode(os.urandom(256)).rstrip(b"=").decode()
    docs = {
        "/realms/demo/.well-known/openid-configuration": {"issuer": issuer, "jwks_uri": issuer + "/protocol/openid-connect/certs"},
        "/realms/demo/protocol/openid-connect/certs": {"keys": [{"kid": "k1", "kty": "RSA", "alg": "RS256", "use": "sig", "n": n, "e": "AQAB"}]},
    }
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(docs.get(self.path, {})).encode()
            self.send_response(200 if self.path in docs else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, issuer

def cpu_seconds(pid):
    # utime + stime of /proc/pid/stat (fields 14 and 15), in clock ticks of 1/100 s.
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0

def major_faults(pid):
    # majflt of /proc/pid/stat (field 12): pages read from disk, e.g. code pages the kernel had evicted between starts.
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[9])

def ready_after(dll, env):
    port = free_port()
    full_env = dict(os.environ, **env, ASPNETCORE_URLS=f"http://127.0.0.1:{port}")
    start = time.perf_counter()
    process = subprocess.Popen(["dotnet", dll] if dll.endswith(".dll") else [dll], env=full_env, cwd=os.path.dirname(dll),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 60:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/health/ready")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - start, cpu_seconds(process.pid), major_faults(process.pid)
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{dll} was not ready within 60 s")
    finally:
        process.terminate()
        process.wait()

def main(argv):
    runs = 7
    variants, extra_env = [], {}
    i = 0
    while i < len(argv):
        if argv[i] == "--runs":
            runs = int(argv[i + 1]); i += 2; continue
        if argv[i] == "--env":
            name, assignment = argv[i + 1].split(":", 1)
            key, value = assignment.split("=", 1)
            extra_env.setdefault(name, {})[key] = value
            i += 2; continue
        name, dll = argv[i].split("=", 1)
        variants.append((name, os.path.abspath(dll))); i += 1
    server, issuer = serve_provider()
    print(f"load average at start: {open('/proc/loadavg').read().split()[0]}")
    # Note: on a shared machine the wall time mostly measures the other processes; the CPU time the sidecar spent
    # until ready (user + system, all threads) is the steadier figure, and the wall time on an idle machine is close
    # to it divided by the cores the start-up keeps busy.
    print("| variant | ready after start, median (ms) | min-max (ms) | CPU time until ready, median (ms) | major page faults, median | runs |")
    print("|---|---|---|---|---|---|")
    for name, dll in variants:
        data = tempfile.mkdtemp(prefix="logoutenricher-ready-")
        env = {
            "LogoutEnricher__Upstream__BaseUrl": issuer.rsplit("/realms", 1)[0] + "/",
            "LogoutEnricher__Issuers__demo__Issuer": issuer,
            "LogoutEnricher__Issuers__demo__Clients__app-1__LogoutUrl": "http://127.0.0.1:9/logout",
            "LogoutEnricher__Storage__Sqlite__Path": os.path.join(data, "logoutenricher.db"),
            "LogoutEnricher__Storage__EncryptionKey": base64.b64encode(os.urandom(32)).decode(),
            "Serilog__MinimumLevel__Default": "Warning",
        }
        env.update(extra_env.get(name, {}))
        ready_after(dll, env)  # first start: schema and signing key
        readings = [ready_after(dll, env) for _ in range(runs)]
        times = sorted(wall * 1000 for wall, _, _ in readings)
        cpus = sorted(cpu * 1000 for _, cpu, _ in readings)
        faults = statistics.median(f for _, _, f in readings)
        print(f"| {name} | {statistics.median(times):.0f} | {times[0]:.0f}-{times[-1]:.0f} | {statistics.median(cpus):.0f} | {faults:.0f} | {runs} |")
    print(f"load average at end: {open('/proc/loadavg').read().split()[0]}")
    server.shutdown()

if __name__ == "__main__":
    main(sys.argv[1:])
