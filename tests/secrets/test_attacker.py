"""The reviewer's leak tree (tests/secrets/attacker): recall and false lines, printed and exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshward.secrets.filters import is_secret_key
from tests.secrets.attacker.evaluate import score


def test_every_risky_line_is_found_and_nothing_else(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    s = score(tmp_path)
    with capsys.disabled():
        print("\n" + "\n".join(s.lines()))
    assert len(s.must) == 106
    assert sorted(s.missed) == []
    assert sorted(s.false) == []


def test_hard_cases_of_the_tree() -> None:
    # keys named for a command that fetches the secret, or for a key the browser is given
    for key in ("credential_process", "credential_helper", "password_command", "passwordeval",
                "PUSHER_APP_KEY", "VITE_PUSHER_APP_KEY", "STRIPE_PUBLISHABLE_KEY",
                "RECAPTCHA_SITE_KEY", "salt_length"):
        assert not is_secret_key(key), key
    for key in ("NONCE_SALT", "SECURITY_PASSWORD_SALT", "APP_KEY", "PUSHER_APP_SECRET"):
        assert is_secret_key(key), key


def test_a_link_to_a_sibling_folder_is_read_once_and_is_no_loop(tmp_path: Path) -> None:
    from meshward.secrets.engine import scan_paths

    (tmp_path / "share/pkg-common").mkdir(parents=True)
    (tmp_path / "share/pkg-common/.netrc").write_text("machine h login u password Qx8-vLm2zp\n")
    (tmp_path / "share/pkg").symlink_to("pkg-common")
    (tmp_path / "share/pkg-common/up").symlink_to("..")
    res = scan_paths([tmp_path], jobs=1)
    assert len(res.matches) == 1
    assert [(e.path.rsplit("/", 1)[1], e.message) for e in res.errors] == [
        ("up", "symlink loop: folder already visited")]  # under whichever name came first


def test_docstring_examples_are_not_assignments() -> None:
    from meshward.secrets.scanner import scan_text

    text = ('"""Usage::\n\n    auth.add_password(realm="x", user="klem", passwd="kadidd!ehopper")\n'
            '"""\n\ndef f():\n    """token=\'Qx8vLm2zpRt7Wq\' in a docstring"""\n'
            '    db_password = "Qx8vLm2zpRt7Wq"\n'
            'TEMPLATE = """\npassword = "Zr9-kLm2Vq8x"\n"""\n')
    found = [(m.line, m.key) for m in scan_text("app/auth.py", text).matches]
    assert found == [(8, "db_password"), (10, "password")]  # a string assigned is not a docstring
    annotated = 'def load(backend: "Backend", private_key: "_DSAPrivateKey", data: bytes): ...\n'
    assert scan_text("b/dsa.py", annotated).matches == []
    assert scan_text("b/_socket.pyi", "    SCM_CREDENTIALS: Final[int]\n").matches == []
    assert scan_text("b/pkg.py", 'creds = " --username=" + auth\n').matches == []


def test_a_jwt_signed_with_an_example_key() -> None:
    import base64
    import hashlib
    import hmac

    from meshward.secrets.scanner import scan_text

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(b'{"role":"admin","uid":42}')
    sig = b64(hmac.new(b"secret", head.encode(), hashlib.sha256).digest())
    line = f"token: {head}.{sig}\n"
    assert scan_text("README.md", line).matches == []  # PyJWT's README example
    (m,) = [m for m in scan_text("deploy/values.yaml", line).matches if m.detector == "jwt"]
    assert m.severity == "critical"
    assert "signed with the well-known key 'secret'" in m.notes[0]
    other = b64(hmac.new(b"Qx8-vLm2zp", head.encode(), hashlib.sha256).digest())
    (m,) = [m for m in scan_text("deploy/values.yaml", f"token: {head}.{other}\n").matches
            if m.detector == "jwt"]
    assert m.severity == "high" and "well-known" not in " ".join(m.notes)


def test_commands_fallbacks_and_tool_placeholders() -> None:
    from meshward.secrets.files_shell import command_lines
    from meshward.secrets.scanner import scan_text

    assert [(f.line, f.key, f.value) for f in command_lines(
        "mysqladmin -u root password 'NewRoot-17'\n"
        "aws configure set profile.prod.aws_secret_access_key Zr9kLm2Vq8xQx8vLm2zp\n"
        "mysqladmin -u root -p status\n")] == [
        (1, "mysqladmin password", "NewRoot-17"),
        (2, "aws configure set", "Zr9kLm2Vq8xQx8vLm2zp")]
    php = "'password' => env('DB_PASSWORD', 'Lg-Fallback9'),\n'password' => env('DB_PASSWORD', ''),\n"
    assert [(m.line, m.key) for m in scan_text("config/database.php", php).matches] == [
        (1, "DB_PASSWORD")]
    kube = "users:\n- name: a\n  user:\n    client-key-data: DATA+OMITTED\n    token: REDACTED\n"
    assert scan_text("ops/prod.kubeconfig", kube).matches == []
    dump = ("COPY public.auth_user (id, password, username) FROM stdin;\n"
            "1\t!" + "Qx8vLm2zp" * 4 + "Zr9r\tsso\n\\.\n")
    assert scan_text("backups/django.sql", dump).matches == []  # set_unusable_password()


@pytest.mark.parametrize(("path", "line"), [
    ("perl5/CPAN/Shell.pm", "    my $pwd = CPAN::anycwd();\n"),  # Perl module: code
    ("perl/Net/FTP.pm", "      $pass = '-anonymous@'\n"),  # anonymous FTP convention
    ("vim/autoload/rust.vim", "    let pwd = a:dict.pwd\n"),  # Vim script: code
    ("mime/globs", "application/vnd.apple.pkpass:*.pkpass\n"),  # a file glob
    ("maven/conf/settings.xml", "      <privateKey>/path/to/private/key</privateKey>\n"),
    ("postgresql/postgresql.conf.sample", "#password_encryption = scram-sha-256\n"),
    ("zsh/_busctl", "    '--augment-creds=[Extend credential data]:boolean:(1 0)' \\\n"),
    ("c++/12/stop_token", "    stop_token::_Stop_state_ref _M_state;\n"),  # a C++ scope
    ("systemd/system/sysusers.service", "ConditionCredential=|sysusers.extra\n"),
    ("gcloud/genomics/__init__.py", "STORAGE_V1_CLIENT_KEY = 'storage_v1_client'\n"),
    ("appengine/runtime/autoloader.php",
     "  'getaccesstokenrequest' => 'google/appengine/api/app_identity/service_pb.php',\n"),
])
def test_large_real_trees_stay_silent(path: str, line: str) -> None:
    from meshward.secrets.scanner import scan_text

    assert scan_text(path, line).matches == []


def test_real_values_next_to_those_filters_still_fire() -> None:
    from meshward.secrets.scanner import scan_text

    assert [m.line for m in scan_text("conf/app.yml", "db_password: /Qx8vLm2Zp/Rt7Wq\n"
                                      "encryption_key: Zr9kLm2Vq8xQx8vLm2zpRt\n").matches] == [1, 2]


def test_more_commands_of_a_history() -> None:
    from meshward.secrets.files_shell import command_lines

    text = ("kubectl create secret generic x --from-literal=password=K8s-Lit77x\n"
            "echo 'Dk-Echo1x' | docker login -u eve --password-stdin r.corp.net\n"
            "sqlplus system/Or4cle-Pwx@db:1521/ORCL\n"
            "az login -u eve@corp.io -p 'Az-Pw99x'\n"
            "ssh-keygen -t rsa -N 'Kg-Pass1x' -f id_ci\n"
            "sqlplus / as sysdba\nsqlplus -s scott/$PW@db\n"
            "kubectl create secret generic x --from-literal=password=${PW}\n"
            "echo $CI_TOKEN | docker login -u x --password-stdin\n"
            "ssh-keygen -t ed25519 -N '' -f k\n"
            "az login --service-principal -u id -p $SECRET --tenant t\n")
    assert [(f.line, f.key) for f in command_lines(text)] == [
        (1, "kubectl --from-literal"), (2, "echo | --password-stdin"), (3, "sqlplus user/pass"),
        (4, "az login -p"), (5, "ssh-keygen -N")]
