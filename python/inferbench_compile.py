"""Compiles one PyTorch model for one batch size, as the workshop does before benchmarking.

Usage: inferbench_compile.py SPEC.json   (or the JSON spec on stdin)

The spec (written by TorchCompiler in src/runtimes/torch/torch-compiler.ts) names the model source, batch size,
image size, device, format, output paths and, where the run has them, the example inputs to trace on. The
script builds the model and its example input, compiles it (torch.jit.trace, torch.neuron.trace,
torch_neuronx.trace, or torch.onnx.export), runs the original and the compiled model on the example input,
saves the artifact and the input's raw bytes, and prints one JSON result on stdout. Logs go to stderr. A failure
prints one line on stderr and exits 2 (bad spec or source) or 1 (compile failed).

Sources:
  torchvision:NAME   a torchvision model with random weights (never downloaded), input [B, 3, S, S]
  hf:DIR             a Hugging Face transformers model in DIR (needs transformers), traced on the tokenized
                     batch in exampleInputs, as AutoModelForSequenceClassification
  MODULE:FUNCTION    FUNCTION(batch_size) returns (model, example_inputs), inputs a tensor or a tuple
"""

import difflib
import importlib
import importlib.util
import json
import math
import os
import sys
import time

from inferbench_errors import SpecError, one_line

SEED = 0
ONNX_OPSET = 17
FIRST_VALUES = 5


def log(message):
    print(f"inferbench compile: {message}", file=sys.stderr, flush=True)


def read_spec(argv):
    text = open(argv[1], encoding="utf-8").read() if len(argv) > 1 else sys.stdin.read()
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError(f"the compile spec is not JSON: {error}") from None
    for key in ("source", "batchSize", "output"):
        if key not in spec:
            raise SpecError(f"the compile spec lacks '{key}'")
    return spec


def torchvision_model(name, batch_size, image_size):
    import torch
    import torchvision

    names = sorted(n for n in dir(torchvision.models) if not n.startswith("_") and n.islower() and callable(getattr(torchvision.models, n)))
    if name not in names:
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        hint = f"close names: {', '.join(close)}" if close else "see torchvision.models for the names"
        raise SpecError(f"torchvision has no model '{name}' (torchvision {torchvision.__version__}); {hint}")
    # weights=None: random weights, never a download; the benchmark measures speed, not accuracy.
    model = getattr(torchvision.models, name)(weights=None)
    return model, (torch.rand(batch_size, 3, image_size, image_size),), ["input"]


def function_model(source, batch_size):
    module_name, _, function_name = source.rpartition(":")
    # The user's module lives where inferbench was started, not beside this script.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        raise SpecError(f"cannot find {source}: {one_line(error)}") from None
    model, inputs = function(batch_size)
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    return model, inputs, [f"input{i}" for i in range(len(inputs))]


def read_example(spec):
    """The example inputs the caller wrote (a raw tensor file and its entries), by name, in the file's order; {} if none."""
    example = spec.get("exampleInputs")
    if not example:
        return {}
    import torch

    data = bytearray(open(example["path"], "rb").read())
    tensors = {}
    for entry in example["entries"]:
        if entry["type"] not in ELEMENT_TYPES.values():
            raise SpecError(f"example input '{entry['name']}' has type {entry['type']}; the compile reads float32, int32 or int64")
        dtype = getattr(torch, entry["type"])
        count = math.prod(entry["dims"])
        tensors[entry["name"]] = torch.frombuffer(data, dtype=dtype, count=count, offset=entry["offset"]).reshape(entry["dims"]).clone()
    return tensors


def build_model(spec):
    source = spec["source"]
    batch_size = int(spec["batchSize"])
    if source.startswith("torchvision:"):
        return torchvision_model(source[len("torchvision:"):], batch_size, int(spec.get("imageSize", 224)))
    if source.startswith("hf:"):
        from inferbench_transformers import transformers_model

        return transformers_model(source[len("hf:"):], read_example(spec))
    if ":" in source:
        return function_model(source, batch_size)
    raise SpecError(f"unknown model source '{source}'; use torchvision:NAME, hf:ID or MODULE:FUNCTION")


def neuron_trace(model, inputs, runtime):
    package = neuron_package(runtime)
    try:
        neuron = importlib.import_module(package)
    except ImportError as error:
        raise SpecError(f"device neuron cannot import {package}: {one_line(error)}") from None
    if package == "torch_neuronx":
        return neuron.trace(model, inputs)
    import torch

    return torch.neuron.trace(model, example_inputs=list(inputs))


def compile_torchscript(model, inputs, device, runtime, scriptable=True):
    import torch

    if device == "neuron":
        return neuron_trace(model, inputs, runtime)
    if not scriptable:
        return torch.jit.trace(model, inputs)
    try:
        return torch.jit.trace(model, inputs)
    except Exception as error:  # noqa: BLE001 - any trace failure falls back to scripting
        # Models with data-dependent control flow cannot be traced; the workshop scripts them instead.
        log(f"torch.jit.trace failed ({one_line(error)}); trying torch.jit.script")
        return torch.jit.script(model)


def to_outputs(value):
    """The outputs of a forward call as a flat list of tensors."""
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in to_outputs(item)]
    return []


def max_abs_difference(expected, actual):
    if len(expected) != len(actual):
        raise RuntimeError(f"the compiled model returns {len(actual)} outputs, the original {len(expected)}")
    worst = 0.0
    for e, a in zip(expected, actual):
        if e.numel():
            worst = max(worst, float((e.float().cpu() - a.float().cpu()).abs().max()))
    return worst


ELEMENT_TYPES = {"torch.float32": "float32", "torch.int64": "int64", "torch.int32": "int32"}


def write_tensors(path, names, tensors):
    """Raw little-endian bytes of each tensor, 8-byte aligned; returns their entries for the result."""
    entries = []
    offset = 0
    with open(path + ".tmp", "wb") as file:
        for name, tensor in zip(names, tensors):
            element_type = ELEMENT_TYPES.get(str(tensor.dtype))
            if element_type is None:
                raise SpecError(f"tensor '{name}' has type {tensor.dtype}; inferbench reads float32, int32 or int64")
            array = tensor.detach().cpu().contiguous().numpy()
            data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
            pad = (8 - len(data) % 8) % 8
            file.write(data + bytes(pad))
            entries.append({"name": name, "type": element_type, "dims": list(tensor.shape), "offset": offset})
            offset += len(data) + pad
    os.replace(path + ".tmp", path)
    return entries


def neuron_package(runtime):
    """torch_neuronx for Inf2/Trn1, torch_neuron (the torch-neuron package) for Inf1."""
    return "torch_neuronx" if runtime == "torch-neuronx" else "torch_neuron"


def compile_model(spec):
    device = spec.get("device", "cpu")
    artifact_format = spec.get("format", "torchscript")
    if device not in ("cpu", "cuda", "neuron"):
        raise SpecError(f"device must be cpu, cuda or neuron, got '{device}'")
    if artifact_format not in ("torchscript", "onnx"):
        raise SpecError(f"format must be torchscript or onnx, got '{artifact_format}'")
    if artifact_format == "onnx" and device == "neuron":
        raise SpecError("format onnx runs on cpu or cuda; Neuron compiles to TorchScript (format torchscript)")
    # Before importing torch and building the model, which take seconds: a missing package is known at once.
    runtime = spec.get("neuronRuntime", "torch-neuronx")
    package = neuron_package(runtime)
    if device == "neuron" and importlib.util.find_spec(package) is None:
        raise SpecError(f"device neuron ({runtime}) needs the {package.replace('_', '-')} package for {sys.executable}")
    import torch

    torch.manual_seed(SEED)
    if device == "cuda" and not torch.cuda.is_available():
        raise SpecError(f"device cuda, but torch {torch.__version__} sees no CUDA GPU")

    model, inputs, names = build_model(spec)
    model.eval()
    if device == "cuda":
        model = model.cuda()
        inputs = tuple(t.cuda() for t in inputs)
    output = spec["output"]
    with torch.no_grad():
        expected = to_outputs(model(*inputs))
        output_names = ["output"] if len(expected) == 1 else [f"output{i}" for i in range(len(expected))]
        start = time.perf_counter()
        if artifact_format == "onnx":
            # Fixed shapes (no dynamic axes): the artifact is for this batch size only. The caller
            # compares it with the reference outputs, since onnxruntime may be missing here.
            torch.onnx.export(model, inputs, output + ".tmp", input_names=names, output_names=output_names, opset_version=ONNX_OPSET)
            compile_seconds = time.perf_counter() - start
            os.replace(output + ".tmp", output)
            actual = None
        else:
            # A transformers model is wrapped in generated code, which torch.jit.script cannot read: traced only.
            compiled = compile_torchscript(model, inputs, device, spec.get("neuronRuntime", "torch-neuronx"), scriptable=not spec["source"].startswith("hf:"))
            compile_seconds = time.perf_counter() - start
            torch.jit.save(compiled, output + ".tmp")
            os.replace(output + ".tmp", output)
            actual = to_outputs(compiled(*inputs))
    difference = None if actual is None else max_abs_difference(expected, actual)
    first = expected[0].flatten()[:FIRST_VALUES].float().cpu().tolist() if expected else []
    log(f"original output starts {first}; max abs difference {difference}")
    return {
        "torchVersion": torch.__version__,
        "compileSeconds": compile_seconds,
        "maxAbsDifference": difference,
        "firstOutputValues": first,
        "inputs": write_tensors(spec.get("inputsOutput", output + ".inputs.bin"), names, inputs),
        "outputs": write_tensors(spec.get("outputsOutput", output + ".outputs.bin"), output_names, expected),
    }


def main(argv):
    try:
        result = compile_model(read_spec(argv))
    except SpecError as error:
        print(f"inferbench compile: {error}", file=sys.stderr, flush=True)
        return 2
    except Exception as error:  # noqa: BLE001 - report every failure as one line, with the trace before it
        import traceback

        traceback.print_exc()
        print(f"inferbench compile: {one_line(error)}", file=sys.stderr, flush=True)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
