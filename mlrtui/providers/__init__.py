"""LLM backends behind one async protocol. No Textual here."""
