"""The casefile command line (click). Thin: parse → one library call → render."""
