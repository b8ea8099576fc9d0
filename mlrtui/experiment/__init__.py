"""Where experiment code runs: the executor interface and its record, the local sandbox (and its
jail launcher), workspaces and their files, and coding-agent transcripts. No Textual here."""
