"""Example intake forms shipped with the package (``casefile new --example``)."""
