"""Reports: each output format is rendered from the scan document alone."""
