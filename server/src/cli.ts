// scap-lens command-line entry point (filled in by the analysis work).
process.stdout.write('scap-lens: not implemented yet\n');
