"""The command line: one command per job, results on stdout or a file, progress on stderr."""
