"""The year's numbers kept for next year (report.workflow.release.keep_release)."""

import json

from report.workflow.release import keep_release


def _write(path, **record):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"year": 2022, "numbers": [], **record}), encoding="utf-8")


def test_the_final_version_is_kept_and_never_replaced_by_a_later_draft(tmp_path):
    kept = tmp_path / "utgivelser" / "2022" / "tall.json"
    assert "ikke tatt vare på" in keep_release(tmp_path, 2022) and not kept.exists()
    _write(tmp_path / "_bok" / "tall.json", final=False, stamp="utkast")
    assert "ikke endelig" in keep_release(tmp_path, 2022)
    assert json.loads(kept.read_text())["stamp"] == "utkast"
    _write(tmp_path / "_bok" / "tall.json", final=True, stamp="endelig")
    assert "den endelige versjonen, endelig" in keep_release(tmp_path, 2022)
    _write(tmp_path / "_bok" / "tall.json", final=False, stamp="senere utkast")
    assert "den endelige versjonen, endelig" in keep_release(tmp_path, 2022)
    assert json.loads(kept.read_text())["stamp"] == "endelig"
    _write(tmp_path / "_bok" / "tall.json", year=2021, final=True, stamp="i fjor")
    assert "er for 2021, ikke 2022" in keep_release(tmp_path, 2022)
    assert json.loads(kept.read_text())["stamp"] == "endelig"
