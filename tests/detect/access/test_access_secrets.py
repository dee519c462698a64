"""Hard-coded credentials through detect-secrets: rules, filters and redaction."""

from __future__ import annotations

from access_factory import brief, findings

KEYWORD = "secret.hard-coded-credential"


def test_keyword_assignments_in_code_and_config() -> None:
    assert brief("app/settings.py", 'DB_PASSWORD = "Xk9#mQ2vLp7w"\n', "secret.") == [
        (KEYWORD, 1, "medium")]
    assert brief("conf/app.properties", "db.password=Xk9mQ2vLp7w\n", "secret.") == [
        (KEYWORD, 1, "medium")]
    assert brief("src/Db.java", 'private static final String PASSWORD = "Xk9#mQ2vLp7w";\n',
                 "secret.") == [(KEYWORD, 1, "medium")]


def test_keyword_traps_are_silent() -> None:
    text = ('password = os.environ["DB_PASSWORD"]\n'
            'password = get_password()\n'
            'PASSWORD_FIELD = "password"\n'
            'secret_key_name = "SECRET_KEY"\n'
            'password = "changeme"\n'
            'password = "${DB_PASS}"\n'
            'api_key = "your_api_key_here"\n'
            'password = "string?"\n'
            'prompt = "Password: "\n'
            '# password = "Xk9#mQ2vLp7w"\n'
            'def f():\n    """password = "Xk9#mQ2vLp7w"\n    """\n')
    assert brief("app/settings.py", text, "secret.") == []


def test_token_formats_are_high() -> None:
    text = ('GH = "ghp_' + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + '"\n'
            'AWS_ID = "AKIA' + "QZ3TLM7NX4VBPR2D" + '"\n'
            'DOC_ID = "AKIAIOSFODNN7EXAMPLE"\n')
    assert brief("deploy/notes.txt", text, "secret.") == [
        ("secret.github-token", 1, "high"), ("secret.aws-key", 2, "high")]


def test_url_credentials() -> None:
    assert brief("a.py", 'DSN = "postgres://app:Xk9mQ2vLp7w@db.internal:5432/x"\n',
                 "secret.") == [("secret.url-credentials", 1, "high")]
    assert brief("a.py", 'DSN = "postgres://user:password@localhost/x"\n', "secret.") == []


def test_secret_values_never_appear_in_findings() -> None:
    secret = "Xk9#mQ2vLp7wZ"
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    dsn = "mysql://root:Qw3rtyZx9v@10.0.0.5/db"
    found = findings("app/cfg.py", f'DB_PASSWORD = "{secret}"\nTOKEN = "{token}"\n'
                                   f'URL = "{dsn}"\n')
    assert [f.evidence for f in found] == [
        'hard-coded credential DB_PASSWORD = "Xk...wZ" (13 chars)',
        'GitHub Token "gh...R8" (40 chars)',
        'Basic Auth Credentials "***" (10 chars)']
    dumped = "".join(f.model_dump_json() for f in found)
    for value in (secret, token, "Qw3rtyZx9v"):
        assert value not in dumped
    assert all(f.kind.value == "secret" and f.detector == "access" for f in found)


def test_comparison_is_reported_once() -> None:
    text = 'def login(u, password):\n    if password == "letmein42":\n        return 1\n'
    assert brief("a.py", text) == [("access.auth-literal-compare", 2, "high")]
