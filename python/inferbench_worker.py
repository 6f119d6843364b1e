"""One inferbench model copy: loads a model and runs preloaded samples on request.

The parent speaks to this process over stdin/stdout only. Every frame is a 4-byte little-endian
length (of what follows it), a 1-byte message type, then the payload; see
src/backends/python/python-protocol.ts for the payload of each type. Logs go to stderr, never to
stdout. torch is imported only for formats that need it, so the 'null' format runs on any python3.
"""

import json
import os
import signal
import struct
import sys
import time
import traceback

from inferbench_errors import one_line

LOAD, LOADED, INPUTS, READY, RUN, DONE, ERROR, SHUTDOWN = range(1, 9)

HEADER = struct.Struct("<IB")
UINT32 = struct.Struct("<I")
FLOAT64 = struct.Struct("<d")


def log(message):
    print(f"inferbench worker {os.getpid()}: {message}", file=sys.stderr, flush=True)


class Channel:
    """Frames over the binary stdin and a private copy of stdout."""

    def __init__(self):
        self.reader = sys.stdin.buffer
        # Frames go to a duplicate of fd 1; fd 1 itself then points at stderr, so that a print()
        # in model code, or a C library writing to stdout, cannot corrupt the stream.
        self.out_fd = os.dup(1)
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def read_exact(self, size):
        buffer = bytearray(size)
        view = memoryview(buffer)
        got = 0
        while got < size:
            count = self.reader.readinto(view[got:])
            if not count:
                return None
            got += count
        return buffer

    def read(self):
        """The next (type, payload), or None when the parent closed stdin."""
        header = self.read_exact(HEADER.size)
        if header is None:
            return None
        length, kind = HEADER.unpack(header)
        payload = self.read_exact(length - 1)
        if payload is None:
            return None
        return kind, payload

    def write(self, kind, payload=b""):
        data = memoryview(HEADER.pack(len(payload) + 1, kind) + payload)
        while data:
            data = data[os.write(self.out_fd, data):]


class NullModel:
    """Computes nothing: what is measured is the protocol alone."""

    version = None

    def set_inputs(self, header, payload):
        self.input_count = len(header["feeds"])

    def run(self, index):
        self.check_index(index)
        start = time.perf_counter_ns()
        return (time.perf_counter_ns() - start) / 1e9

    def check_index(self, index):
        if index >= self.input_count:
            raise IndexError(f"sample index {index} out of range: {self.input_count} samples were loaded")


class TorchScriptModel(NullModel):
    """A TorchScript file on cpu, cuda, or a NeuronCore (traced with torch-neuronx or torch-neuron)."""

    def __init__(self, load):
        import torch

        self.torch = torch
        self.version = torch.__version__
        device = load["device"]
        if device == "neuron":
            # Importing the package registers the Neuron ops the traced graph calls.
            try:
                import torch_neuronx  # noqa: F401
            except ImportError:
                try:
                    import torch_neuron  # noqa: F401
                except ImportError:
                    raise RuntimeError(f"device neuron needs torch-neuronx (Inf2, Trn1) or torch-neuron (Inf1) installed for {sys.executable}") from None
        if device == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"device cuda requested but torch {torch.__version__} sees no CUDA GPU; install a CUDA build of torch or use device cpu")
        torch.set_num_threads(load["intraOpThreads"])
        # Neuron graphs take host tensors; the runtime moves them to the NeuronCore.
        self.device = torch.device("cuda" if device == "cuda" else "cpu")
        self.cuda = device == "cuda"
        self.half = bool(load["halfPrecision"])
        self.model = torch.jit.load(load["path"], map_location=self.device)
        self.model.eval()
        try:
            self.arg_names = [a.name for a in self.model.forward.schema.arguments][1:]
        except AttributeError:
            self.arg_names = []

    def set_inputs(self, header, payload):
        torch = self.torch
        dtypes = {"float32": torch.float32, "int32": torch.int32, "int64": torch.int64}
        # The data region starts at the first multiple of 8 after the JSON header.
        data_start = (4 + UINT32.unpack_from(payload, 0)[0] + 7) // 8 * 8
        self.samples = []
        for sample in header["feeds"]:
            named = {}
            for t in sample:
                dims = t["dims"]
                count = 1
                for d in dims:
                    count *= d
                dtype = dtypes[t["type"]]
                if count == 0:
                    tensor = torch.empty(dims, dtype=dtype)
                else:
                    tensor = torch.frombuffer(payload, dtype=dtype, count=count, offset=data_start + t["offset"]).reshape(dims).clone()
                named[t["name"]] = tensor.to(self.device)
            # Positional arguments in the order of forward()'s parameters when the names match them,
            # otherwise in the order the inputs were sent.
            order = self.arg_names if set(named) == set(self.arg_names) else list(named)
            self.samples.append(tuple(named[name] for name in order))
        self.input_count = len(self.samples)
        if self.cuda:
            self.torch.cuda.synchronize()

    def run(self, index):
        self.check_index(index)
        torch = self.torch
        args = self.samples[index]
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16, enabled=self.cuda and self.half):
            start = time.perf_counter_ns()
            self.model(*args)
            if self.cuda:
                torch.cuda.synchronize()
            end = time.perf_counter_ns()
        return (end - start) / 1e9


def load_model(load):
    if load["format"] == "null":
        return NullModel()
    if load["format"] == "torchscript":
        return TorchScriptModel(load)
    raise ValueError(f"unknown format {load['format']!r}")


def parse_inputs(payload):
    (header_size,) = UINT32.unpack_from(payload, 0)
    return json.loads(bytes(payload[4 : 4 + header_size]))


def main():
    # Ctrl-C reaches the whole process group; the parent decides when this copy stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = Channel()
    model = None
    while True:
        frame = channel.read()
        if frame is None or frame[0] == SHUTDOWN:
            return 0
        kind, payload = frame
        try:
            if kind == RUN:
                (index,) = UINT32.unpack(payload)
                channel.write(DONE, FLOAT64.pack(model.run(index)))
            elif kind == LOAD:
                load = json.loads(bytes(payload))
                model = load_model(load)
                log(f"loaded {load['format']} {load['path']!r} on {load['device']}" + (f" (torch {model.version})" if model.version else ""))
                channel.write(LOADED, json.dumps({"torchVersion": model.version}).encode())
            elif kind == INPUTS:
                model.set_inputs(parse_inputs(payload), payload)
                log(f"holds {model.input_count} samples")
                channel.write(READY)
            else:
                raise ValueError(f"unexpected message type {kind}")
        except Exception as error:  # noqa: BLE001 - every failure is reported to the parent
            traceback.print_exc(file=sys.stderr)
            channel.write(ERROR, one_line(error).encode())


if __name__ == "__main__":
    sys.exit(main())
