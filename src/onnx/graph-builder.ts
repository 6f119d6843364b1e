import { endianness } from 'node:os';
import { concatSteps, type Steps } from '../core/steps.js';
import {
  AttributeType,
  DataType,
  encodeModelPieces,
  type AttributeProtoLike,
  type NodeProtoLike,
  type TensorProtoLike,
  type ValueInfoProtoLike,
} from './onnx-proto.js';

/** Element types the builder can declare and store. */
export type ElementType = 'float32' | 'int64';

/** A dimension: a fixed size, or a symbolic name such as `'batch_size'` that is bound at run time. */
export type Dim = number | string;

/** A typed attribute value; build one with {@link attr}. */
export type Attribute = Omit<AttributeProtoLike, 'name'>;

/** Constructors for attribute values, since a JS number cannot tell an ONNX INT from a FLOAT. */
export const attr = {
  int: (i: number): Attribute => ({ type: AttributeType.INT, i }),
  float: (f: number): Attribute => ({ type: AttributeType.FLOAT, f }),
  ints: (ints: number[]): Attribute => ({ type: AttributeType.INTS, ints }),
  floats: (floats: number[]): Attribute => ({ type: AttributeType.FLOATS, floats }),
};

/** Options of {@link GraphBuilder.modelSteps}. */
export interface ModelOptions {
  /** ONNX IR version; 8 is what opset 17 was released with. */
  irVersion?: number;
  /** ai.onnx operator set version. */
  opsetVersion?: number;
}

const DATA_TYPE = { float32: DataType.FLOAT, int64: DataType.INT64 } as const;

/**
 * Builds an ONNX graph one node at a time and serializes it. Every method that creates a value
 * returns its name, made unique from a hint, so callers chain values without naming them.
 */
export class GraphBuilder {
  private readonly nodes: NodeProtoLike[] = [];
  private readonly initializers: TensorProtoLike[] = [];
  private readonly inputs: ValueInfoProtoLike[] = [];
  private readonly outputs: ValueInfoProtoLike[] = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly name: string) {}

  /** Declares a graph input the caller feeds; returns its (exact) name. */
  input(name: string, type: ElementType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares an existing value (a node output named exactly `name`) as a graph output. */
  output(name: string, type: ElementType, dims: Dim[]): void {
    if (!this.used.has(name)) throw new Error(`graph output ${name} is not a value of this graph`);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /**
   * Adds a constant tensor; `data` length must equal the product of `dims` (empty `dims` = scalar). A Float32Array is
   * kept, not copied, until the model is serialized: leave it unchanged.
   */
  initializer(hint: string, type: ElementType, dims: number[], data: ArrayLike<number>): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`initializer ${hint}: ${data.length} values for dims [${dims}]`);
    const name = this.unique(hint);
    this.initializers.push({ name, dims, dataType: DATA_TYPE[type], rawData: littleEndian(type, data) });
    return name;
  }

  /**
   * Adds a node with one output and returns the output's name: `outputName` exactly when given
   * (for graph outputs), otherwise a unique name derived from the op type.
   */
  node(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    const output = outputName === undefined ? this.unique(opType) : this.claim(outputName);
    this.nodes.push({
      name: `${output}_node`,
      opType,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => ({ name, ...value })),
    });
    return output;
  }

  /**
   * Serializes the graph as an ONNX model (ai.onnx domain only), in steps (see {@link Steps}): the weights are copied
   * into the model's bytes a slice at a time.
   */
  *modelSteps({ irVersion = 8, opsetVersion = 17 }: ModelOptions = {}): Steps<Uint8Array> {
    const pieces = encodeModelPieces({
      irVersion,
      opsetImport: [{ domain: '', version: opsetVersion }],
      producerName: 'inferbench',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return yield* concatSteps(pieces);
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`value name ${name} is already used`);
    this.used.add(name);
    return name;
  }

  private unique(hint: string): string {
    let n = this.counters.get(hint) ?? 0;
    let name: string;
    do name = `${hint}_${n++}`;
    while (this.used.has(name));
    this.counters.set(hint, n);
    return this.claim(name);
  }
}

function valueInfo(name: string, type: ElementType, dims: Dim[]): ValueInfoProtoLike {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DATA_TYPE[type], shape: { dim } } } };
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

// raw_data is little-endian by the ONNX spec whatever the host byte order. On a little-endian host a Float32Array's
// bytes already are, so hundreds of megabytes of weights need no copy.
function littleEndian(type: ElementType, data: ArrayLike<number>): Uint8Array {
  if (type === 'float32' && data instanceof Float32Array && LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * (type === 'float32' ? 4 : 8));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    const value = data[i] as number;
    if (type === 'float32') view.setFloat32(i * 4, value, true);
    else view.setBigInt64(i * 8, BigInt(value), true);
  }
  return bytes;
}
