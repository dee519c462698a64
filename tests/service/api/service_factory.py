"""A running service for the API tests: its database (both backends), keys, blob store, and
one organisation and user per role, plus a foreign vendor."""

from __future__ import annotations

import base64
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from anke.service.access.credentials import hash_password
from anke.service.api.app import create_app
from anke.service.config import Settings
from anke.service.db.session import Database
from anke.service.db.tenancy import Organisation, OrgKind, Role, User
from anke.service.runtime import Services, open_services

PASSWORD = "correct horse battery"
ROLES = ("admin", "inspector", "vendor", "foreign", "bank")


@dataclass
class World:
    """The service, its app, and who is who."""

    services: Services
    client: TestClient
    users: dict[str, int]
    orgs: dict[str, int]

    def sign_in(self, who: str) -> TestClient:
        """A client signed in as ``who`` by cookie, sending the CSRF header."""
        client = TestClient(self.client.app)
        response = client.post("/api/session", json={"email": f"{who}@example.org",
                                                     "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client


def make_world(database: Database, tmp_path: Path) -> World:
    """A service over ``database`` with the five people of ``ROLES``."""
    key = base64.b64encode(os.urandom(32)).decode()
    os.environ["ANKE_MASTER_KEY"] = key
    settings = Settings(data_dir=tmp_path / "data", database_url=database.url,
                        blob_url=str(tmp_path / "blobs"), max_upload_bytes=8 * 1024 * 1024)
    services = open_services(settings, migrate=False)
    services.database.dispose()
    services.database = database
    orgs: dict[str, int] = {}
    users: dict[str, int] = {}
    layout = {"admin": ("Regulator", OrgKind.REGULATOR, Role.ADMIN),
              "inspector": ("Regulator", OrgKind.REGULATOR, Role.INSPECTOR),
              "vendor": ("Domestic Vendor", OrgKind.VENDOR, Role.VENDOR),
              "foreign": ("Foreign Vendor", OrgKind.VENDOR, Role.VENDOR),
              "bank": ("City Bank", OrgKind.BANK, Role.BANK)}
    hashed = hash_password(PASSWORD)
    with database.writer() as session:
        for who, (org_name, kind, role) in layout.items():
            if org_name not in orgs:
                org = Organisation(name=org_name, kind=kind, domestic=who != "foreign",
                                   country="CN" if who != "foreign" else "US")
                session.add(org)
                session.flush()
                orgs[org_name] = org.id
            user = User(org_id=orgs[org_name], email=f"{who}@example.org", name=who,
                        role=role, password_hash=hashed)
            session.add(user)
            session.flush()
            users[who] = user.id
    by_role = {who: orgs[layout[who][0]] for who in layout}
    return World(services, TestClient(create_app(services)), users, by_role)


def tarball(files: dict[str, str]) -> bytes:
    """A .tgz holding ``files``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


APP_JS = """\
const crypto = require('crypto');
function seal(key, iv, text) {
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([cipher.update(text), cipher.final()]);
}
const digest = crypto.createHash('md5').update('x').digest('hex');
module.exports = { seal, digest };
"""
