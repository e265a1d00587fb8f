#!/usr/bin/env python3
"""Example Custos database plugin in Python (standard library only).

It speaks Custos plugin protocol v1 (see docs/plugin-protocol.md) and keeps its "database
users" in a SQLite file named by the connection config key ``path``. Passwords are stored only
as salted PBKDF2 hashes. Requests are served concurrently on a thread pool, so responses may
leave in a different order than the requests came in; the host matches them by ``id``.

Run by Custos, never by hand: without CUSTOS_PLUGIN_PROTOCOL=1 it prints a notice and exits 1.
"""

import base64
import hashlib
import json
import os
import secrets
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

PLUGIN_NAME = "custos-example-sqlite"
PLUGIN_VERSION = "1.0.0"
PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
MAX_USERNAME_LENGTH = 63
USERNAME_TEMPLATE = (
    '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) '
    "(random 20) (unix_time) | truncate 63 }}"
)
PBKDF2_ITERATIONS = 10_000  # an example: enough to show the idea, cheap enough for tests
WORKERS = 8
SHUTDOWN_GRACE_SECONDS = 4  # the host kills us after 5 s

# JSON-RPC error codes
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
APPLICATION_ERROR = -32000


class PluginError(Exception):
    """An error for the host. ``message`` must never contain a password."""

    def __init__(self, kind, message, code=APPLICATION_ERROR):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code


def log(message):
    """stderr is the log: the host forwards each line tagged with our name and pid."""
    sys.stderr.write(f"[{PLUGIN_NAME}] {message}\n")
    sys.stderr.flush()


def hash_password(password):
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS)
    return "pbkdf2-sha256${}${}${}".format(
        PBKDF2_ITERATIONS, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


# --- params -------------------------------------------------------------------------------


def require_string(params, key):
    value = params.get(key)
    if not isinstance(value, str):
        raise PluginError("invalid_request", f"invalid params: missing field params.{key}", INVALID_PARAMS)
    return value


def optional_statements(params, key):
    value = params.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PluginError("invalid_request", f"invalid params: wrong type for params.{key}", INVALID_PARAMS)
    return value


# --- the "database" -------------------------------------------------------------------------


class UserStore:
    """The users of one connection, in one SQLite file. One sqlite3 connection per call: they
    must not be shared between threads, and opening one is cheap."""

    def __init__(self, path):
        self.path = path
        self.schema_lock = threading.Lock()
        self.schema_ready = False
        # SQLite has one writer at a time anyway: waiting here, rather than in SQLite's busy
        # timeout, keeps a burst of calls on a loaded machine from failing with "database locked".
        self.write_lock = threading.Lock()

    def _open(self):
        try:
            return sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.Error as error:
            raise PluginError("connection", f"cannot open the SQLite file: {type(error).__name__}")

    def _run(self, work):
        with self.write_lock:
            return self._run_locked(work)

    def _run_locked(self, work):
        db = self._open()
        try:
            db.execute("BEGIN IMMEDIATE")
            result = work(db)
            db.execute("COMMIT")
            return result
        except PluginError:
            db.execute("ROLLBACK")
            raise
        except sqlite3.Error as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            # The SQL text may hold a password hash; report only the error class.
            raise PluginError("database", f"SQLite error: {type(error).__name__}")
        finally:
            db.close()

    def ensure_schema(self):
        """Creates the tables once per connection (at Initialize, or at first use)."""
        with self.schema_lock:
            if not self.schema_ready:
                self._create_schema()
                self.schema_ready = True

    def _create_schema(self):
        db = self._open()
        try:
            db.execute("PRAGMA journal_mode=WAL")  # lets readers and one writer overlap
        except sqlite3.Error as error:
            raise PluginError("connection", f"cannot use the SQLite file: {type(error).__name__}")
        finally:
            db.close()

        def work(db):
            db.execute(
                "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
                "expiration TEXT NOT NULL)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS root (id INTEGER PRIMARY KEY CHECK (id = 1), password_hash TEXT NOT NULL)"
            )

        self._run(work)

    def new_user(self, name, password, expiration):
        def work(db):
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise PluginError("database", f"user {name} already exists")
            db.execute(
                "INSERT INTO users (name, password_hash, expiration) VALUES (?, ?, ?)",
                (name, hash_password(password), expiration),
            )

        self._run(work)

    def renew_user(self, name, expiration):
        def work(db):
            if db.execute("UPDATE users SET expiration = ? WHERE name = ?", (expiration, name)).rowcount == 0:
                raise PluginError("database", f"user {name} does not exist")

        self._run(work)

    def revoke_user(self, name):
        self._run(lambda db: db.execute("DELETE FROM users WHERE name = ?", (name,)))

    def set_password(self, name, password):
        def work(db):
            cursor = db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hash_password(password), name))
            if cursor.rowcount == 0:
                raise PluginError("database", f"user {name} does not exist")

        self._run(work)

    def set_root_password(self, password):
        self._run(
            lambda db: db.execute(
                "INSERT INTO root (id, password_hash) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash",
                (hash_password(password),),
            )
        )


# --- the plugin -----------------------------------------------------------------------------


class Plugin:
    def __init__(self):
        self.lock = threading.Lock()
        self.connections = {}  # connection id -> (config, UserStore)

    def connection(self, params):
        connection_id = require_string(params, "connection")
        with self.lock:
            entry = self.connections.get(connection_id)
        if entry is None:
            raise PluginError("invalid_request", f"connection {connection_id} is not initialized")
        return connection_id, entry

    def info(self, params):
        return {
            "name": PLUGIN_NAME,
            "version": PLUGIN_VERSION,
            "protocolVersions": [PROTOCOL_VERSION],
            "defaultUsernameTemplate": USERNAME_TEMPLATE,
            "maxUsernameLength": MAX_USERNAME_LENGTH,
        }

    def initialize(self, params):
        connection_id = require_string(params, "connection")
        config = params.get("config", {})
        if not isinstance(config, dict):
            raise PluginError("invalid_request", "invalid params: wrong type for params.config", INVALID_PARAMS)
        path = config.get("path")
        if not isinstance(path, str) or not path:
            raise PluginError("invalid_request", "config needs 'path', the SQLite file that holds the users")
        store = UserStore(path)
        if params.get("verifyConnection", True):
            store.ensure_schema()  # proves the file can be opened and written
        with self.lock:
            self.connections[connection_id] = (config, store)  # again for a known id: replaces it
        return {"config": config}

    def new_user(self, params):
        _, (_, store) = self.connection(params)
        username = require_string(params, "username")[:MAX_USERNAME_LENGTH]
        password = require_string(params, "password")
        expiration = require_string(params, "expiration")
        optional_statements(params, "statements")  # this "database" has no statements to run
        optional_statements(params, "rollbackStatements")
        store.ensure_schema()
        store.new_user(username, password, expiration)
        return {"username": username}

    def renew_user(self, params):
        _, (_, store) = self.connection(params)
        store.ensure_schema()
        store.renew_user(require_string(params, "username"), require_string(params, "expiration"))
        return {}

    def revoke_user(self, params):
        _, (_, store) = self.connection(params)
        store.ensure_schema()
        store.revoke_user(require_string(params, "username"))  # a missing user is not an error
        return {}

    def rotate_root(self, params):
        connection_id, (config, store) = self.connection(params)
        new_password = require_string(params, "newPassword")
        store.ensure_schema()
        store.set_root_password(new_password)
        updated = dict(config, password=new_password)
        with self.lock:
            self.connections[connection_id] = (updated, store)
        return {"config": updated}

    def set_credentials(self, params):
        _, (_, store) = self.connection(params)
        store.ensure_schema()
        store.set_password(require_string(params, "username"), require_string(params, "password"))
        return {}

    def close(self, params):
        connection_id, _ = self.connection(params)
        with self.lock:
            self.connections.pop(connection_id, None)
        return {}

    def connection_ids(self):
        with self.lock:
            return list(self.connections)


METHODS = {
    "Info": Plugin.info,
    "Initialize": Plugin.initialize,
    "NewUser": Plugin.new_user,
    "RenewUser": Plugin.renew_user,
    "RevokeUser": Plugin.revoke_user,
    "RotateRoot": Plugin.rotate_root,
    "SetCredentials": Plugin.set_credentials,
    "Close": Plugin.close,
}


# --- the protocol loop ----------------------------------------------------------------------


class Output:
    """The one writer of stdout: whole lines under a lock, so responses never interleave."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stream = sys.stdout.buffer

    def send(self, message):
        line = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        with self.lock:
            try:
                self.stream.write(line)
                self.stream.flush()
            except (BrokenPipeError, OSError):
                log("cannot write to the host (stdout closed); exiting")
                os._exit(1)


def error_response(request_id, code, kind, message):
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message, "data": {"kind": kind}}}


def handle(plugin, output, request_id, method, params):
    try:
        result = METHODS[method](plugin, params)
        output.send({"jsonrpc": "2.0", "id": request_id, "result": result})
    except PluginError as error:
        output.send(error_response(request_id, error.code, error.kind, error.message))
    except Exception as error:  # a bug: its text could hold a secret, so log only its type
        log(f"{method} (id {request_id}) failed with {type(error).__name__}")
        output.send(error_response(request_id, APPLICATION_ERROR, "internal", "internal error in the plugin"))


def dispatch(plugin, output, executor, line):
    """Validates one request line and hands it to the pool; protocol errors are answered here."""
    try:
        request = json.loads(line)
    except ValueError:  # also UnicodeDecodeError
        output.send(error_response(None, PARSE_ERROR, "invalid_request", "parse error: not valid JSON"))
        return
    if not isinstance(request, dict):
        output.send(error_response(None, INVALID_REQUEST, "invalid_request", "a request must be a JSON object"))
        return
    request_id = request.get("id")
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        output.send(error_response(None, INVALID_REQUEST, "invalid_request", "a request needs an integer id"))
        return
    method = request.get("method")
    if not isinstance(method, str):
        output.send(error_response(request_id, INVALID_REQUEST, "invalid_request", "a request needs a method"))
        return
    if method not in METHODS:
        output.send(error_response(request_id, METHOD_NOT_FOUND, "unsupported", f"method {method[:64]} not found"))
        return
    params = request.get("params", {})
    if not isinstance(params, dict):
        output.send(error_response(request_id, INVALID_PARAMS, "invalid_request", "invalid params: not an object"))
        return
    executor.submit(handle, plugin, output, request_id, method, params)


def read_lines(stream):
    """Yields request lines; a line over the limit is answered with an error and skipped."""
    while True:
        line = stream.readline(MAX_MESSAGE_BYTES + 1)
        if not line:
            return
        if not line.endswith(b"\n") and len(line) <= MAX_MESSAGE_BYTES:
            log("stdin ended inside a message (no final newline); ignored it")
            return
        if len(line) > MAX_MESSAGE_BYTES and not (len(line) == MAX_MESSAGE_BYTES + 1 and line.endswith(b"\n")):
            while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                line = stream.readline(MAX_MESSAGE_BYTES)
            yield None
            continue
        yield line


def serve():
    if os.environ.get("CUSTOS_PLUGIN_PROTOCOL") != str(PROTOCOL_VERSION):
        sys.stderr.write(
            f"{PLUGIN_NAME} {PLUGIN_VERSION} is a Custos database plugin. It is started by Custos, "
            "not by hand: register it in Custos's plugin catalog and configure a connection that uses it.\n"
        )
        sys.exit(1)
    plugin = Plugin()
    output = Output()
    executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="request")
    log(f"{PLUGIN_NAME} {PLUGIN_VERSION} serving plugin protocol v{PROTOCOL_VERSION}")
    for line in read_lines(sys.stdin.buffer):
        if line is None:
            output.send(error_response(None, INVALID_REQUEST, "invalid_request", "message longer than 4 MiB"))
        elif line.strip():
            dispatch(plugin, output, executor, line)
    # stdin closed: finish the calls in flight, forget every connection, exit 0.
    shutdown = threading.Thread(target=executor.shutdown, kwargs={"wait": True})
    shutdown.start()
    shutdown.join(SHUTDOWN_GRACE_SECONDS)
    if shutdown.is_alive():
        log("calls still running at shutdown; exiting without them")
    for connection_id in plugin.connection_ids():
        plugin.close({"connection": connection_id})
    sys.stdout.flush()
    os._exit(0)  # not sys.exit: a stuck worker thread must not keep the process alive


if __name__ == "__main__":
    serve()
