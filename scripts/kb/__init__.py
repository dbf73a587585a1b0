"""kb: import, normalise and check the notes of the LLM study-notes knowledge base."""
