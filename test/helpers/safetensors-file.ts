/** A safetensors file as the format lays it out: an 8-byte little-endian header length, the JSON header, the data. */
export function safetensorsBytes(header: object, data: Uint8Array, headerLength?: number): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerLength ?? json.length));
  return Buffer.concat([length, json, data]);
}

/** float32 tensors by name as a safetensors file. */
export function float32Safetensors(tensors: ReadonlyMap<string, { readonly shape: readonly number[]; readonly values: Float32Array }>): Buffer {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, { shape, values }] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    offset += values.byteLength;
  }
  return safetensorsBytes(header, Buffer.concat(parts));
}
