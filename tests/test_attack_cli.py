"""Attack: the command line's exports carry no huis clos passage unless asked for (JSON), never in PDF."""

import io

import pypdf
from world import marked_world

HUIS_CLOS = "HUISCLOS"


def test_json_export_without_the_option_carries_no_huis_clos_marker(app, runner, tmp_path):
    marked_world()
    out = tmp_path / "export.json"
    result = runner.invoke(args=["export-json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "BROUILLON-4-section" in text  # a positive control: the export is complete otherwise
    assert HUIS_CLOS not in text


def test_pdf_exports_of_the_command_line_carry_no_huis_clos_marker(app, runner, tmp_path):
    world, elsewhere_validated, elsewhere_draft = marked_world()
    jobs = [
        ["--meeting", str(m.id)] for m in (world.validated, world.public_validated, world.draft, elsewhere_validated)
    ]
    jobs += [["--group", str(world.private.id)], ["--programme", str(world.programme.id)]]
    jobs += [["--programme", str(world.programme.id), "--synthesis"]]
    for n, job in enumerate(jobs):
        out = tmp_path / f"{n}.pdf"
        result = runner.invoke(args=["export-pdf", *job, "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = " ".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages)
        assert HUIS_CLOS not in "".join(text.split()), job
