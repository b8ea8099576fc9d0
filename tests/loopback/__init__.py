"""Test-only LLM server: a real HTTP server on 127.0.0.1 speaking the OpenAI and Anthropic protocols.

It lives under tests/ so the installed package carries only what users run; bench scripts put
tests/ on sys.path to import it.
"""

from loopback.server import Fault, LoopbackServer, Received, Reply

__all__ = ["Fault", "LoopbackServer", "Received", "Reply"]
