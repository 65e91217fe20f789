"""pdftext.py — the text of a PDF as poppler's pdftotext reads it (poppler-utils), for the
tests of mamori's printed reports."""
import os
import shutil
import subprocess
import tempfile


def pdf_text(data, layout=False):
    """The text pdftotext extracts from PDF bytes (with -layout: lines as on the page)."""
    d = tempfile.mkdtemp()
    try:
        path = os.path.join(d, "r.pdf")
        with open(path, "wb") as f:
            f.write(data)
        return subprocess.run(["pdftotext"] + (["-layout"] if layout else []) + [path, "-"],
                              capture_output=True, text=True, check=True).stdout
    finally:
        shutil.rmtree(d)
