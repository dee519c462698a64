"""``anke serve``, ``anke worker``, ``anke db``, ``anke audit``, ``anke keys``, ``anke user``:
the service's commands.  Settings come from the environment (see anke.service.config)."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import threading
from typing import Any

from anke.errors import AnkeError


def _services(migrate: bool = True) -> Any:
    from anke.service.config import Settings
    from anke.service.runtime import open_services
    return open_services(Settings.from_env(), migrate=migrate)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from anke.service.api.app import create_app
    from anke.service.jobs.worker import Worker
    services = _services()
    banner = ""
    if args.demo:
        from pathlib import Path

        from anke.service.demo.start import prepare_demo
        banner = prepare_demo(services, Path(args.demo_cache) if args.demo_cache else None,
                              f"http://{args.host}:{args.port}")
    worker = None
    if not args.no_worker:
        worker = Worker(services, jobs=args.jobs)
        threading.Thread(target=worker.run, name="anke-worker", daemon=True).start()
    sys.stderr.write(f"anke: serving on http://{args.host}:{args.port} "
                     f"(data in {services.settings.data_dir})\n")
    sys.stdout.write(banner)
    sys.stdout.flush()
    try:
        uvicorn.run(create_app(services), host=args.host, port=args.port, log_level="warning")
    finally:
        if worker is not None:
            worker.stop.set()
    return 0


def _worker(args: argparse.Namespace) -> int:
    from anke.service.jobs.worker import Worker
    logging.basicConfig(level=logging.INFO, format="anke worker: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    worker = Worker(_services(), jobs=args.jobs, lease=args.lease)
    if args.once:
        while worker.run_once():
            pass
        return 0
    worker.run()
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from anke.service.db.migrate import current_revision
    services = _services()
    print(f"database at revision {current_revision(services.database)}")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from anke.service.audit.chain import verify
    services = _services(migrate=False)
    with services.database.reader() as session:
        result = verify(session)
    if result.ok:
        print(f"audit log intact: {result.entries} entries, head {result.head}")
        return 0
    sys.stderr.write(f"anke: audit log broken: {result.problem}\n")
    return 1


def _keys_rotate(args: argparse.Namespace) -> int:
    from anke.service.audit.chain import Actor, record
    from anke.service.signing import rewrap_signing_keys
    from anke.service.vault import rotate_master_key
    services = _services()
    with services.database.writer() as session:
        count = rotate_master_key(session, services.keys)
        signing = rewrap_signing_keys(session, services.keys)
        record(session, Actor.system("anke keys rotate"), "keys.rotate", "master-key",
               {"rewrapped": count, "signing_keys": signing,
                "master_key_id": services.keys.current.id})
    print(f"re-wrapped {count} data keys and {signing} signing keys under master key "
          f"{services.keys.current.id}")
    return 0


def _user_add(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from anke.service.access.credentials import MIN_PASSWORD, hash_password
    from anke.service.audit.chain import Actor, record
    from anke.service.db.tenancy import Organisation, OrgKind, Role, User
    password = os.environ.get("ANKE_PASSWORD") or getpass.getpass("password: ")
    if len(password) < MIN_PASSWORD:
        raise AnkeError(f"the password needs at least {MIN_PASSWORD} characters")
    services = _services()
    with services.database.writer() as session:
        org = session.execute(select(Organisation).where(
            Organisation.name == args.org)).scalar_one_or_none()
        if org is None:
            org = Organisation(name=args.org, kind=OrgKind(args.org_kind))
            session.add(org)
            session.flush()
        if session.execute(select(User).where(User.email == args.email.lower())).first():
            raise AnkeError(f"a user {args.email} exists")
        user = User(org_id=org.id, email=args.email.lower(), name=args.name or args.email,
                    role=Role(args.role), password_hash=hash_password(password))
        session.add(user)
        session.flush()
        record(session, Actor.system("anke user add"), "user.create", f"user:{user.id}",
               {"email": user.email, "role": user.role.value, "org": org.id})
    print(f"user {user.email} ({user.role.value}) of {org.name}")
    return 0


def add_service_parsers(commands: Any) -> None:
    """The service's sub-commands."""
    serve = commands.add_parser("serve", help="run the service (API, and a worker)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="do not run a worker inside")
    serve.add_argument("-j", "--jobs", type=int, default=1, help="processes per inspection")
    serve.add_argument("--demo", action="store_true",
                       help="seed the demo first (once; downloads its packages on first run)")
    serve.add_argument("--demo-cache", default=None, metavar="DIR",
                       help="where the demo's downloads are kept (default: the data directory)")
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser("worker", help="run inspections from the queue")
    worker.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    worker.add_argument("--lease", type=float, default=60.0, help="lease seconds")
    worker.add_argument("--once", action="store_true", help="empty the queue, then stop")
    worker.set_defaults(handler=_worker)

    db = commands.add_parser("db", help="the service's database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(handler=_db_upgrade)

    audit = commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser("verify", help="check the hash chain (exit 1 when broken)"
                              ).set_defaults(handler=_audit_verify)

    keys = commands.add_parser("keys", help="master and data keys")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_commands.add_parser("rotate", help="re-wrap data keys under the current master key "
                             "(old keys in ANKE_MASTER_KEY_OLD_FILES)"
                             ).set_defaults(handler=_keys_rotate)

    user = commands.add_parser("user", help="users")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user (password from ANKE_PASSWORD or "
                                   "a prompt)")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=["vendor", "inspector", "bank", "admin"])
    add.add_argument("--org", required=True, help="organisation name (made if new)")
    add.add_argument("--org-kind", default="regulator", choices=["vendor", "bank", "regulator"])
    add.add_argument("--name", default="")
    add.set_defaults(handler=_user_add)
