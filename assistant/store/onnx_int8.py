"""m3e-small as an int8 ONNX graph: the same vectors as the sentence-transformers path, about 2-3x faster on 2 cores.

The graph is made on this machine from the installed weights (torch export, then onnxruntime's dynamic int8
quantisation, per output channel) the first time it is needed, and kept in the cache folder under a name that
hashes the weights and the library versions; nothing is downloaded. Tokenising, truncation (512 tokens), mean
pooling and normalising follow sentence-transformers, so the two paths agree to cosine >= 0.99 on real policy
passages and questions (tests/store/test_embedding_paths.py): a knowledge base embedded with either path is
searched correctly with the other.

Measured on 2 cores (README, "嵌入路径的选择"): per-tensor int8 was further from the reference (cosine 0.986);
onnxruntime's transformer fusions made it slower; batches of 4-32 texts were slower than one text per run (3.0x vs
2.1x the torch path in one run: no padding) and make a text's vector depend on its batch-mates.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
EXPORT_RECIPE = "m3e-int8-v1: torchscript export opset 17; dynamic QInt8 per channel; mean pooling"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _weights_file(folder: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{folder} 中没有模型权重文件（model.safetensors 或 pytorch_model.bin）")


def graph_key(folder: Path) -> str:
    """Hash of what the graph is derived from: weights, config, library versions and the recipe."""
    h = hashlib.sha256(EXPORT_RECIPE.encode())
    for dist in ("torch", "transformers", "onnx", "onnxruntime"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)};".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=none;".encode())
    h.update((folder / "config.json").read_bytes())
    with open(_weights_file(folder), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


class _QuietQuantiser(logging.Filter):
    """The quantiser advises a shape pre-pass on the root logger; measured without it, the vectors agree."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


def export_int8(folder: Path, target: Path) -> None:
    """Write the int8 graph of the BERT model in ``folder`` to ``target`` (atomically)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class _Encoder(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    fp32 = target.with_name(f".{target.stem}.{os.getpid()}.fp32.onnx")
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.onnx")
    try:
        encoder = _Encoder(AutoModel.from_pretrained(str(folder), local_files_only=True)).eval()
        sample = torch.ones((2, 8), dtype=torch.long)
        axes = {"batch": 0, "tokens": 1}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about transformers' mask code: the graph is tested
            torch.onnx.export(encoder, (sample, sample, torch.zeros_like(sample)), str(fp32), input_names=list(INPUTS),
                              output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                              dynamic_axes={n: {v: k for k, v in axes.items()} for n in (*INPUTS, "last_hidden_state")})
        root = logging.getLogger()
        quiet = _QuietQuantiser()
        root.addFilter(quiet)
        try:
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": 1})
        finally:
            root.removeFilter(quiet)
        os.replace(tmp, target)
    finally:
        for leftover in (fp32, tmp):
            leftover.unlink(missing_ok=True)


def int8_graph(folder: Path, cache_dir: Path) -> Path:
    """The cached int8 graph for ``folder``, made on first use (a few seconds)."""
    path = Path(cache_dir) / "models" / f"{folder.name}-int8-{graph_key(folder)}.onnx"
    if not path.exists():
        log.info("making the int8 ONNX graph of %s (first use only): %s", folder.name, path)
        export_int8(folder, path)
    return path


class OnnxInt8Embedder:
    """Mean-pooled, unit-normalised sentence vectors from the int8 graph; same contract as the torch path."""

    def __init__(self, folder: Path, name: str, batch_size: int = 32, cache_dir: Path = Path("."),
                 max_seq_length: int = 512):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.graph = graph = int8_graph(folder, cache_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.max_seq_length = min(max_seq_length, int(self.tokenizer.model_max_length or max_seq_length))
        cores = max(1, os.cpu_count() or 1)

        def session(threads: int):
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # no busy-waiting between ops: the office PC (and the OCR, the web page) share these cores
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])

        # A query is a few dozen tokens: one thread answers it fastest and never waits on a busy core
        # (the torch path measured the same); batches of passages use every core.
        self._batch_session = session(cores)
        self._query_session = session(1) if cores > 1 else self._batch_session
        self.name = name
        self.key = f"{name}+onnx-int8-single"  # one text per run (bench caches of batched int8 vectors differ)
        self.dim = int(self._batch_session.get_outputs()[0].shape[-1] or 512)
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        # One text per run: int8 activations are scaled per run, so a text batched with others would get a
        # slightly different vector (cosine ~0.996) and an index refreshed piecemeal would differ from a rebuild.
        # Alone, a text always gets the same vector, and there is no padding to compute.
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        sess = self._query_session if len(texts) <= 4 else self._batch_session
        for i, text in enumerate(texts):
            enc = self.tokenizer([str(text).strip()], truncation="longest_first", max_length=self.max_seq_length,
                                 return_tensors="np")  # stripped, as sentence-transformers does
            feeds = {n: np.asarray(enc[n], dtype=np.int64) for n in INPUTS}
            pooled = sess.run(None, feeds)[0][0].mean(axis=0)
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out
