#!/usr/bin/env bash
# One-shot check of inferbench's NVIDIA GPU paths on a GPU host: nvidia-smi, `inferbench env`,
# ONNX Runtime on CUDA and TensorRT, the Python worker on cuda in float32 and float16, and an hf: model
# through the real transformers package where it is installed.
#
#   bash scripts/device-check.sh
#
# Each check prints `PASS <name>`, `FAIL <name>: <reason>` or `SKIP <name>: <reason>`; the exit
# status is 1 when any check failed, else 0. Without an NVIDIA GPU every check is skipped. The whole
# script stays within 8 minutes: each step runs under `timeout`, cut to the time that is left.
# Result JSON files and logs go to $OUT when it is set, else to a new temporary folder (printed).
set -u

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
readonly BUDGET_S=480
DEADLINE=$((SECONDS + BUDGET_S))
RESULTS=${OUT:-}
if [ -z "$RESULTS" ]; then
  RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/inferbench-device-check.XXXXXX") || exit 1
fi
mkdir -p "$RESULTS" || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/inferbench-device-work.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0
SKIPPED=0
pass() { echo "PASS $1${2:+: $2}"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1: $2"; FAILED=$((FAILED + 1)); }
skip() { echo "SKIP $1: $2"; SKIPPED=$((SKIPPED + 1)); }

# Runs a command under `timeout`, limited to `want` seconds or the time left, whichever is less.
# Exit 124 means it ran out of time.
bounded() {
  local want=$1 left=$((DEADLINE - SECONDS))
  shift
  [ "$left" -lt "$want" ] && want=$left
  [ "$want" -lt 1 ] && return 124
  timeout -k 10 "$want" "$@"
}

# The reason a step failed: a time-out, else the last non-empty line of its log.
why() {
  local status=$1 log=$2
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "timed out (exit $status); log: $log"
  else
    local last
    last=$(grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1 | cut -c1-300)
    echo "exit $status: ${last:-no output}; log: $log"
  fi
}

echo "device-check: results and logs in $RESULTS"

# --- nvidia-smi: decides whether anything else runs -------------------------------------------
GPU_COUNT=0
NO_GPU=''
if ! command -v nvidia-smi >/dev/null 2>&1; then
  NO_GPU='nvidia-smi is not installed (no NVIDIA driver)'
  skip nvidia-smi "$NO_GPU"
else
  bounded 30 nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader >"$RESULTS/nvidia-smi.txt" 2>&1
  status=$?
  GPU_COUNT=$(grep -c '^[0-9]' "$RESULTS/nvidia-smi.txt")
  if [ "$GPU_COUNT" -gt 0 ]; then
    pass nvidia-smi "$GPU_COUNT GPU(s): $(head -n 1 "$RESULTS/nvidia-smi.txt")"
  else
    NO_GPU="nvidia-smi lists no GPU ($(why "$status" "$RESULTS/nvidia-smi.txt"))"
    skip nvidia-smi "$NO_GPU"
  fi
fi

if [ -n "$NO_GPU" ]; then
  for name in build env ort-cuda ort-tensorrt python-cuda-fp32 python-cuda-fp16 hf-transformers-cuda; do skip "$name" 'no NVIDIA GPU'; done
  echo "device-check: $PASSED passed, $FAILED failed, $SKIPPED skipped"
  exit 0
fi

# --- build -------------------------------------------------------------------------------------
BUILT=1
if [ -f dist/cli/main.js ] && [ -f dist/index.js ]; then
  pass build 'dist/ present'
else
  bounded 180 npm run build >"$RESULTS/build.log" 2>&1
  status=$?
  if [ "$status" -eq 0 ]; then pass build 'npm run build'; else BUILT=0; fail build "$(why "$status" "$RESULTS/build.log")"; fi
fi
if [ "$BUILT" -eq 0 ]; then
  for name in env ort-cuda ort-tensorrt python-cuda-fp32 python-cuda-fp16 hf-transformers-cuda; do skip "$name" 'dist/ could not be built'; done
  echo "device-check: $PASSED passed, $FAILED failed, $SKIPPED skipped"
  exit 1
fi

# --- inferbench env: must list the GPUs nvidia-smi lists ----------------------------------------
bounded 90 node dist/cli/main.js env --json >"$RESULTS/env.json" 2>"$RESULTS/env.log"
status=$?
if [ "$status" -ne 0 ]; then
  fail env "$(why "$status" "$RESULTS/env.log")"
else
  verdict=$(node -e '
    const env = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const gpus = env.nvidiaGpus.length;
    const providers = env.ortProviders.map((p) => p.name + (p.available ? "" : " (not installed)")).join(", ");
    const torch = env.python ? `${env.python.executable} torch ${env.python.torchVersion}` : "no python";
    console.log(gpus === Number(process.argv[2]) ? `ok ${gpus} GPU(s); onnxruntime: ${providers}; ${torch}` : `lists ${gpus} GPU(s), nvidia-smi ${process.argv[2]}`);
  ' "$RESULTS/env.json" "$GPU_COUNT" 2>&1)
  case $verdict in
    ok\ *) pass env "${verdict#ok }" ;;
    *) fail env "$verdict" ;;
  esac
fi

# --- ONNX Runtime on the GPU through the CLI ----------------------------------------------------
# "yes" when onnxruntime-node's library for provider $1 is installed, as inferbench itself decides.
provider_available() {
  node --input-type=module -e '
    import { pathToFileURL } from "node:url";
    const { detectOrtProviders } = await import(pathToFileURL(process.argv[1]).href);
    const provider = detectOrtProviders().find((p) => p.name === process.argv[2]);
    process.stdout.write(provider === undefined ? "unknown" : provider.available ? "yes" : "no");
  ' "$ROOT/dist/hardware/detect-hardware.js" "$1" 2>/dev/null
}

# Whether the dynamic linker can find TensorRT 10's main library, which the tensorrt provider loads.
has_tensorrt() {
  ldconfig -p 2>/dev/null | grep -q 'libnvinfer\.so\.10' && return 0
  local dir
  local IFS=:
  for dir in ${LD_LIBRARY_PATH:-}; do
    [ -n "$dir" ] && compgen -G "$dir/libnvinfer.so.10*" >/dev/null && return 0
  done
  return 1
}

# Runs `inferbench run --device $2` and checks the result JSON; $1 is the check's name.
ort_run() {
  local name=$1 device=$2 limit=$3 result="$RESULTS/$1.json" log="$RESULTS/$1.log"
  bounded "$limit" node dist/cli/main.js run --device "$device" --requests 50 --sequence-length 64 \
    --cache-dir "$WORK/cache" --no-progress -o "$result" >"$log" 2>&1
  local status=$?
  if [ "$status" -ne 0 ]; then fail "$name" "$(why "$status" "$log")"; return; fi
  local verdict
  verdict=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const m = r.measurement;
    const ms = (ns) => (ns / 1e6).toFixed(2) + " ms";
    const problems = [];
    if (r.backend.name !== "onnxruntime-" + process.argv[2]) problems.push(`backend ${r.backend.name}`);
    if (m.completedRequests !== 50) problems.push(`${m.completedRequests} requests completed, not 50`);
    if (!(m.compute.percentilesNs["50"] > 0)) problems.push("no compute time");
    console.log(problems.length === 0
      ? `ok ${m.throughput.requestsPerSecond.toFixed(1)} requests/s, ${m.throughput.samplesPerSecond.toFixed(1)} samples/s, latency p50 ${ms(m.latency.percentilesNs["50"])}, compute p50 ${ms(m.compute.percentilesNs["50"])}, GPUs ${r.backend.effectiveSettings.gpus}`
      : problems.join("; "));
  ' "$result" "$device" 2>&1)
  case $verdict in
    ok\ *) pass "$name" "${verdict#ok }" ;;
    *) fail "$name" "$verdict" ;;
  esac
}

case $(provider_available cuda) in
  yes) ort_run ort-cuda cuda 120 ;;
  *) skip ort-cuda "onnxruntime-node's CUDA provider library is not installed: npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (docs/gpu.md)" ;;
esac

case $(provider_available tensorrt) in
  yes)
    if has_tensorrt; then
      ort_run ort-tensorrt tensorrt 240
    else
      skip ort-tensorrt 'TensorRT 10 (libnvinfer.so.10) is not on the library path'
    fi
    ;;
  *) skip ort-tensorrt "onnxruntime-node's TensorRT provider library is not installed: npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (docs/gpu.md)" ;;
esac

# --- Python worker on cuda ---------------------------------------------------------------------
# The first interpreter, in PythonBackend's order, that imports torch and torchvision.
PYTHON=''
for candidate in ${INFERBENCH_PYTHON:-} python3 /usr/bin/python3; do
  if bounded 60 "$candidate" -c 'import torch, torchvision' >/dev/null 2>&1; then PYTHON=$candidate; break; fi
done

PY_SKIP=''
if [ -z "$PYTHON" ]; then
  PY_SKIP='no python3 imports torch and torchvision (set INFERBENCH_PYTHON)'
elif ! bounded 60 "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
  PY_SKIP="torch $("$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null) in $PYTHON sees no CUDA GPU (a CPU-only build?)"
else
  # ResNet-18 with random weights, traced at batch 2 on the CPU; the worker moves it to cuda.
  bounded 120 "$PYTHON" -c '
import sys, torch, torchvision
model = torchvision.models.resnet18(weights=None).eval()
torch.jit.trace(model, torch.rand(2, 3, 224, 224)).save(sys.argv[1])
' "$WORK/resnet18.pt" >"$RESULTS/trace.log" 2>&1
  status=$?
  [ "$status" -ne 0 ] && PY_SKIP="tracing resnet18 failed, $(why "$status" "$RESULTS/trace.log")"
fi

# Loads the traced model into one Python worker on cuda and drives it with 20 closed-loop requests
# (scripts/device-check-python.mjs, which runs on the CPU too).
python_run() {
  local name=$1 half=$2 log="$RESULTS/$1.log"
  local verdict
  verdict=$(bounded 150 node scripts/device-check-python.mjs "$WORK/resnet18.pt" "$PYTHON" "$half" cuda 2>"$log")
  local status=$?
  if [ "$status" -ne 0 ]; then fail "$name" "$(why "$status" "$log")"; return; fi
  case $verdict in
    ok\ *) pass "$name" "${verdict#ok }" ;;
    *) fail "$name" "${verdict:-no output}" ;;
  esac
}

# An hf: model through the real transformers (the tests use a stand-in): a small BERT written by the tests' fixture,
# loaded by AutoModelForSequenceClassification, traced on the tokenized batch at sequence length 64, run on cuda.
hf_run() {
  local name=hf-transformers-cuda result="$RESULTS/hf-transformers-cuda.json" log="$RESULTS/hf-transformers-cuda.log"
  mkdir -p "$WORK/bert"
  bounded 120 "$PYTHON" test/fixtures/hf/bert_checkpoint.py "$WORK/bert" >"$log" 2>&1
  local status=$?
  if [ "$status" -ne 0 ]; then fail "$name" "writing the BERT checkpoint: $(why "$status" "$log")"; return; fi
  INFERBENCH_PYTHON=$PYTHON bounded 240 node dist/cli/main.js run --model "hf:$WORK/bert" --tokenizer bert-base-uncased --device cuda \
    --batch-size 2 --sequence-length 64 --requests 50 --cache-dir "$WORK/cache" --no-progress -o "$result" >>"$log" 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then fail "$name" "$(why "$status" "$log")"; return; fi
  local verdict
  verdict=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const m = r.measurement;
    const problems = [];
    if (r.backend.name !== "pytorch-cuda") problems.push(`backend ${r.backend.name}`);
    if (!r.model.name.endsWith("(PyTorch, transformers)")) problems.push(`model ${r.model.name}`);
    if (r.compile.dimensions.sequence_length !== 64) problems.push(`traced at ${JSON.stringify(r.compile.dimensions)}`);
    if (!(r.compile.maxAbsDifference < 1e-3)) problems.push(`traced model differs by ${r.compile.maxAbsDifference}`);
    if (m.completedRequests !== 50) problems.push(`${m.completedRequests} requests completed, not 50`);
    console.log(problems.length === 0
      ? `ok ${m.throughput.samplesPerSecond.toFixed(1)} samples/s, latency p50 ${(m.latency.percentilesNs["50"] / 1e6).toFixed(2)} ms, traced max |Δ| ${r.compile.maxAbsDifference}`
      : problems.join("; "));
  ' "$result" 2>&1)
  case $verdict in
    ok\ *) pass "$name" "${verdict#ok }" ;;
    *) fail "$name" "$verdict" ;;
  esac
}

if [ -n "$PY_SKIP" ]; then
  skip python-cuda-fp32 "$PY_SKIP"
  skip python-cuda-fp16 "$PY_SKIP"
else
  python_run python-cuda-fp32 0
  python_run python-cuda-fp16 1
fi

if [ -n "$PY_SKIP" ]; then
  skip hf-transformers-cuda "$PY_SKIP"
elif ! bounded 60 "$PYTHON" -c 'import transformers' >/dev/null 2>&1; then
  skip hf-transformers-cuda "transformers is not installed for $PYTHON (pip install transformers)"
else
  hf_run
fi

echo "device-check: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
