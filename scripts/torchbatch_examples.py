"""Puts example calls and PyTorch's outputs into a TorchScript archive, as the extra file
`torchbatch/examples.json`, so that torchbatch checks its numbers wherever the model runs: every
executor runs them once when it loads the model, and `torchbatch verify model.pt` runs them on
demand. A platform that computes other numbers then fails the job before anything is written.

At export, in place of `torch.jit.save(module, "model.pt")`:

    import torchbatch_examples  # this file, from torchbatch's scripts/
    torchbatch_examples.save(module, "model.pt", [rows])                # forward(rows)
    torchbatch_examples.save(module, "model.pt", [("encode", [rows])])  # another method

For an archive already saved (inputs.pt holds `torch.save([tensor, ...])`: one call's arguments):

    python3 scripts/torchbatch_examples.py model.pt inputs.pt [--method forward] [--out OUT.pt]

The outputs are what the saved archive returns once loaded back (what libtorch will run), named
as torchbatch names them: `output` for a tensor, `_0`, `_1`, ... for a tuple or list (nested:
`_0_1`), a dict's keys. A few rows per call are enough; a model whose numbers depend on the batch
(batch norm in training mode) is not a model to batch.
"""

import argparse
import json
import zipfile
from typing import Dict, List, Sequence, Tuple, Union

import torch

EXTRA_FILE = "torchbatch/examples.json"
Call = Union[torch.Tensor, Sequence[torch.Tensor], Tuple[str, Sequence[torch.Tensor]]]


def tensor_json(t: torch.Tensor) -> dict:
    flat = t.detach().cpu().reshape(-1)
    if t.dtype == torch.bool:
        values = [bool(v) for v in flat.tolist()]
    elif t.dtype.is_floating_point:
        values = [float(v) for v in flat.to(torch.float64).tolist()]
    else:
        values = [int(v) for v in flat.tolist()]
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": values}


def outputs_json(result, prefix: str = "") -> Dict[str, dict]:
    """Names a method's result the way torchbatch does."""
    if isinstance(result, torch.Tensor):
        return {prefix or "output": tensor_json(result)}
    named: Dict[str, dict] = {}
    if isinstance(result, (tuple, list)):
        for i, value in enumerate(result):
            named.update(outputs_json(value, f"{prefix}_{i}"))
    elif isinstance(result, dict):
        for key in sorted(result):
            named.update(outputs_json(result[key], f"{prefix}_{key}" if prefix else key))
    else:
        raise TypeError(f"torchbatch reads tensors, tuples, lists and dicts of them, not {type(result)}")
    return named


def _normalize(call: Call) -> Tuple[str, List[torch.Tensor]]:
    if isinstance(call, torch.Tensor):
        return "forward", [call]
    if isinstance(call, tuple) and len(call) == 2 and isinstance(call[0], str):
        return call[0], list(call[1])
    return "forward", list(call)


def examples_json(loaded: torch.jit.ScriptModule, calls: Sequence[Call], rtol=1e-4, atol=1e-5) -> dict:
    """Runs `calls` on a loaded archive and records inputs and outputs in torchbatch's shape."""
    records = []
    with torch.no_grad():
        for call in calls:
            method, inputs = _normalize(call)
            result = getattr(loaded, method)(*inputs)
            records.append(
                {"method": method, "inputs": [tensor_json(t) for t in inputs], "outputs": outputs_json(result)}
            )
    return {"calls": records, "rtol": rtol, "atol": atol}


def save(module, path: str, calls: Sequence[Call], rtol=1e-4, atol=1e-5, extra_files=None) -> dict:
    """torch.jit.save with the examples: saves, loads back, runs the calls, saves again with them."""
    extra = dict(extra_files or {})
    torch.jit.save(module, path, _extra_files=extra)
    examples = examples_json(torch.jit.load(path), calls, rtol, atol)
    extra[EXTRA_FILE] = json.dumps(examples)
    torch.jit.save(module, path, _extra_files=extra)
    return examples


def _extra_names(path: str) -> List[str]:
    with zipfile.ZipFile(path) as archive:
        names = []
        for entry in archive.namelist():
            parts = entry.split("/", 2)
            if len(parts) == 3 and parts[1] == "extra" and parts[2] and parts[2] != EXTRA_FILE:
                names.append(parts[2])
        return names


def main():
    parser = argparse.ArgumentParser(description="Adds torchbatch examples to a saved TorchScript archive.")
    parser.add_argument("archive")
    parser.add_argument("inputs", help="torch.save([tensor, ...]) of one call's positional arguments")
    parser.add_argument("--method", default="forward")
    parser.add_argument("--out", help="where to write (default: replace the archive)")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    args = parser.parse_args()
    extra = {name: "" for name in _extra_names(args.archive)}
    module = torch.jit.load(args.archive, _extra_files=extra)
    inputs = torch.load(args.inputs)
    examples = save(module, args.out or args.archive, [(args.method, inputs)], args.rtol, args.atol, extra)
    print(f"{args.out or args.archive}: {len(examples['calls'])} example call(s) in {EXTRA_FILE}")


if __name__ == "__main__":
    main()
