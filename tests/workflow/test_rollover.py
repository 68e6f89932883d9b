from helpers.commands import rapport as _run

from report.data.config import load_config
from report.data.load import load_dataset


def test_new_year_carries_unfinished_assignments_and_keeps_every_row(project):
    before, _ = load_dataset(project / "data")
    unfinished = [a for a in before.assignments_for(2022) if a.status not in ("Levert", "Avsluttet")]
    result = _run(project, "nytt-aar", "2023")
    assert result.returncode == 0, result.stderr
    assert f"{len(unfinished)} oppdrag" in result.stdout
    assert "Sikkerhetskopier av filene som ble endret, ligger i data/sikkerhetskopi/" in result.stdout
    after, problems = load_dataset(project / "data")
    assert problems.errors == []
    assert load_config(project).year == 2023
    assert [a for a in after.assignments if a.year < 2023] == before.assignments  # no row lost or changed
    new = after.assignments_for(2023)
    assert [a.id for a in new] == [a.id for a in unfinished]
    for old, row in zip(unfinished, new):
        assert (row.title, row.area, row.type, row.deadline, row.responsible) == (
            old.title, old.area, old.type, old.deadline, old.responsible)
        assert (row.status_text, row.colour, row.trend) == ("", None, None)
    assert len(after.status_for(2023)) == 19
    assert all(s.status_text == "" for s in after.status_for(2023))
    backups = sorted(p.name for p in (project / "data" / "sikkerhetskopi").iterdir())
    assert len(backups) == 3 and backups[0].startswith("helsefellesskap-")
    assert _run(project, "sjekk").returncode == 0


def test_new_year_refuses_when_rows_exist_or_year_is_wrong(project):
    assert _run(project, "nytt-aar", "2023").returncode == 0
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    (project / "rapport.toml").write_text(
        (project / "rapport.toml").read_text(encoding="utf-8").replace("aar = 2023", "aar = 2022"), encoding="utf-8")
    again = _run(project, "nytt-aar", "2023")
    assert again.returncode == 1
    assert "Det finnes allerede rader for 2023" in again.stderr
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data
    wrong = _run(project, "nytt-aar", "2030")
    assert wrong.returncode == 1 and "neste år er 2023" in wrong.stderr


def test_new_year_refuses_while_a_workbook_is_open_and_names_who_has_it(project):
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    # Excel's owner file: the user name's length, the name, padding; 165 bytes in all
    lock = project / "data" / "~$oppdrag.xlsx"
    lock.write_bytes((bytes([11]) + b"Kari Hansen").ljust(54, b" ") + "Kari Hansen".encode("utf-16-le").ljust(111, b"\0"))
    # LibreOffice's: name, system user, host, time, profile
    (project / "data" / ".~lock.helsefellesskap.xlsx#").write_text(
        "Ola Nordmann,ola,ola-pc,30.11.2026 14:03,file:///home/ola/.config/libreoffice/4;", encoding="utf-8")
    result = _run(project, "nytt-aar", "2023")
    assert result.returncode == 1
    assert ("oppdrag.xlsx er åpen i Excel hos «Kari Hansen» (låsefilen ~$oppdrag.xlsx i data/); helsefellesskap.xlsx "
            "er åpen i LibreOffice hos «Ola Nordmann» (siden 30.11.2026 14:03) (låsefilen .~lock.helsefellesskap.xlsx# "
            "i data/). Lukk filen og prøv igjen. Er programmet allerede lukket (for eksempel etter et krasj), er "
            "låsefilen blitt liggende: slett den, og prøv igjen.") in result.stderr
    (project / "data" / ".~lock.helsefellesskap.xlsx#").unlink()
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data
    assert load_config(project).year == 2022
    lock.unlink()
    assert _run(project, "nytt-aar", "2023").returncode == 0
