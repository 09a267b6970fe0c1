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
    assert len(s.must) == 76
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
