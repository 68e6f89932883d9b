"""The command line speaks bokmål, also in argparse's own help and errors."""

import pytest

from report.cli import main


def test_help_is_in_bokmal(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["innspill", "les", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("bruk: rapport innspill les [-h] [--bare-vis] MAPPE")
    assert "argumenter:" in out and "valg:" in out and "vis denne hjelpeteksten" in out
    assert "usage" not in out and "show this help" not in out


@pytest.mark.parametrize("argv, expected", [
    (["nytt-aar"], "rapport nytt-aar: feil: mangler ÅR"),
    (["nytt-aar", "neste"], "rapport nytt-aar: feil: ÅR må være et heltall, ikke 'neste'"),
    (["lag"], "rapport: feil: ukjent KOMMANDO 'lag' (velg en av: 'sjekk'"),
    (["sjekk", "ekstra"], "rapport: feil: ukjente argumenter: ekstra"),
])
def test_usage_errors_are_in_bokmal(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert expected in capsys.readouterr().err
