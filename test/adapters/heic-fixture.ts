/**
 * A real HEVC-coded HEIC, generated at test time (sharp's prebuilt libvips encodes HEIF only with AV1, and
 * no HEVC encoder is installed): every 32×32 coding unit is sent as I_PCM — raw 8-bit samples — so the
 * only entropy coding needed is two CABAC bins per CTU (part_mode, pcm_flag). One slice per CTU keeps
 * every CABAC context in its initial state. The result is a valid, if large, Main-profile bitstream in a
 * minimal HEIF container (ftyp, meta: hdlr/pitm/iloc/iinf/iprp with hvcC and ispe, mdat).
 *
 * References: ITU-T H.265 §7.3 (syntax), §9.3.4.3 (CABAC encoding), ISO/IEC 23008-12 (HEIF),
 * ISO/IEC 14496-15 §8.3.3 (hvcC).
 */

const CTB = 32;

class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private count = 0;

  bit(b: number): void {
    this.current = (this.current << 1) | (b & 1);
    if (++this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
  }

  bits(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit(Math.floor(value / 2 ** i) & 1);
  }

  ue(value: number): void {
    const code = value + 1;
    const len = Math.floor(Math.log2(code));
    this.bits(0, len);
    this.bits(code, len + 1);
  }

  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  get aligned(): boolean {
    return this.count === 0;
  }

  alignZero(): void {
    while (this.count !== 0) this.bit(0);
  }

  trailing(): void {
    this.bit(1);
    this.alignZero();
  }

  byte(value: number): void {
    this.bits(value, 8);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** CABAC arithmetic encoder (H.265 §9.3.4.3), only what two bins per CTU need. */
class Cabac {
  private low = 0;
  private range = 510;
  private firstBit = true;
  private outstanding = 0;

  constructor(private readonly out: BitWriter) {}

  /** A context-coded bin equal to its context's most probable symbol, from pStateIdx 0. */
  mpsAtStateZero(qRangeLps: readonly number[] = [128, 176, 208, 240]): void {
    this.range -= qRangeLps[(this.range >> 6) & 3] ?? 0;
    this.renorm();
  }

  terminateOne(): void {
    this.range -= 2;
    this.low += this.range;
    // EncodeFlush: the final "1" written is the last bit the decoder reads.
    this.range = 2;
    this.renorm();
    this.put((this.low >> 9) & 1);
    this.out.bits(((this.low >> 7) & 3) | 1, 2);
  }

  private renorm(): void {
    while (this.range < 256) {
      if (this.low < 256) this.put(0);
      else if (this.low >= 512) {
        this.low -= 512;
        this.put(1);
      } else {
        this.low -= 256;
        this.outstanding++;
      }
      this.range <<= 1;
      this.low <<= 1;
    }
  }

  private put(b: number): void {
    if (this.firstBit) this.firstBit = false;
    else this.out.bit(b);
    for (; this.outstanding > 0; this.outstanding--) this.out.bit(1 - b);
  }
}

function nal(type: number, rbsp: Buffer): Buffer {
  // Emulation prevention: no 00 00 0x (x ≤ 3) inside a NAL unit.
  const out: number[] = [type << 1, 1];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

function profileTierLevel(w: BitWriter): void {
  w.bits(0, 2); // profile space
  w.bit(0); // tier
  w.bits(1, 5); // Main
  w.bits(0x60000000, 32); // compatible with Main, Main 10
  w.bit(1); // progressive
  w.bit(0); // interlaced
  w.bit(0); // non-packed
  w.bit(1); // frame only
  w.bits(0, 44);
  w.byte(93); // level 3.1
}

function vps(): Buffer {
  const w = new BitWriter();
  w.bits(0, 4);
  w.bit(1);
  w.bit(1);
  w.bits(0, 6);
  w.bits(0, 3);
  w.bit(1);
  w.bits(0xffff, 16);
  profileTierLevel(w);
  w.bit(0); // sub-layer ordering info for all
  w.ue(0);
  w.ue(0);
  w.ue(0);
  w.bits(0, 6); // max layer id
  w.ue(0); // num layer sets - 1
  w.bit(0); // timing info
  w.bit(0); // extension
  w.trailing();
  return nal(32, w.toBuffer());
}

function sps(width: number, height: number): Buffer {
  const w = new BitWriter();
  w.bits(0, 4);
  w.bits(0, 3);
  w.bit(1);
  profileTierLevel(w);
  w.ue(0); // sps id
  w.ue(1); // 4:2:0
  w.ue(width);
  w.ue(height);
  w.bit(0); // conformance window
  w.ue(0); // luma bit depth - 8
  w.ue(0); // chroma bit depth - 8
  w.ue(0); // log2 max POC lsb - 4
  w.bit(0);
  w.ue(0);
  w.ue(0);
  w.ue(0);
  w.ue(2); // min CB 32
  w.ue(0); // CTB = min CB = 32
  w.ue(0); // min TB 4
  w.ue(3); // max TB 32
  w.ue(0);
  w.ue(0);
  w.bit(0); // scaling lists
  w.bit(0); // AMP
  w.bit(0); // SAO
  w.bit(1); // PCM
  w.bits(7, 4); // PCM luma depth - 1
  w.bits(7, 4); // PCM chroma depth - 1
  w.ue(2); // min PCM CB 32
  w.ue(0);
  w.bit(1); // PCM loop filter disabled
  w.ue(0); // short-term RPS
  w.bit(0); // long-term refs
  w.bit(0); // temporal MVP
  w.bit(0); // strong intra smoothing
  w.bit(0); // VUI
  w.bit(0); // extension
  w.trailing();
  return nal(33, w.toBuffer());
}

function pps(): Buffer {
  const w = new BitWriter();
  w.ue(0);
  w.ue(0);
  w.bit(0); // dependent slices
  w.bit(0); // output flag
  w.bits(0, 3);
  w.bit(0); // sign hiding
  w.bit(0); // cabac init present
  w.ue(0);
  w.ue(0);
  w.se(0); // init qp - 26
  w.bit(0);
  w.bit(0);
  w.bit(0); // cu qp delta
  w.se(0);
  w.se(0);
  w.bit(0);
  w.bit(0);
  w.bit(0);
  w.bit(0); // transquant bypass
  w.bit(0); // tiles
  w.bit(0); // WPP
  w.bit(0); // loop filter across slices
  w.bit(1); // deblocking control present
  w.bit(0); // override enabled
  w.bit(1); // deblocking disabled
  w.bit(0); // scaling list data
  w.bit(0); // lists modification
  w.ue(0); // parallel merge level - 2
  w.bit(0); // slice header extension
  w.bit(0); // pps extension
  w.trailing();
  return nal(34, w.toBuffer());
}

/** One IDR slice holding one CTU as I_PCM. */
function slice(address: number, addressBits: number, y: Uint8Array, cb: Uint8Array, cr: Uint8Array): Buffer {
  const w = new BitWriter();
  w.bit(address === 0 ? 1 : 0); // first slice segment in picture
  w.bit(0); // no output of prior pics
  w.ue(0); // pps id
  if (address !== 0) w.bits(address, addressBits);
  w.ue(2); // I slice
  w.se(0); // slice qp delta
  w.trailing(); // byte_alignment()

  const cabac = new Cabac(w);
  cabac.mpsAtStateZero(); // part_mode = PART_2Nx2N (initValue 184 at QP 26: pStateIdx 0, valMps 1)
  cabac.terminateOne(); // pcm_flag = 1
  w.alignZero(); // pcm_alignment_zero_bit
  for (const plane of [y, cb, cr]) for (const v of plane) w.byte(v);
  new Cabac(w).terminateOne(); // end_of_slice_segment_flag = 1 (its last bit is the rbsp stop bit)
  w.alignZero();
  return nal(19, w.toBuffer()); // IDR_W_RADL
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 255) << 24) | (flags & 0xffffff));
  return box(type, vf, ...payload);
}

const u8 = (v: number): Buffer => Buffer.from([v]);
const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

function hvcC(parameterSets: Array<[number, Buffer]>): Buffer {
  const arrays = parameterSets.map(([type, unit]) => Buffer.concat([u8(0x80 | type), u16(1), u16(unit.length), unit]));
  return box(
    "hvcC",
    u8(1),
    u8(0x01), // profile space 0, tier 0, Main
    u32(0x60000000),
    Buffer.from([0x90, 0, 0, 0, 0, 0]), // progressive, frame only
    u8(93),
    u16(0xf000),
    u8(0xfc),
    u8(0xfd), // 4:2:0
    u8(0xf8),
    u8(0xf8),
    u16(0),
    u8(0x0f), // 1 temporal layer, nested, 4-byte NAL lengths
    u8(arrays.length),
    ...arrays,
  );
}

/**
 * An HEVC HEIC of `rgb` (width×height×3, both multiples of 32). Colours go to limited-range BT.601
 * Y'CbCr 4:2:0, the decoder's default without VUI or colr.
 */
export function encodeHeic(rgb: Uint8Array, width: number, height: number): Buffer {
  if (width % CTB || height % CTB) throw new Error("width and height must be multiples of 32");
  const ctbCols = width / CTB;
  const ctbs = ctbCols * (height / CTB);
  const addressBits = Math.ceil(Math.log2(ctbs));

  const yAt = (x: number, y: number): number => {
    const i = (y * width + x) * 3;
    return 16 + (65.481 * (rgb[i] ?? 0) + 128.553 * (rgb[i + 1] ?? 0) + 24.966 * (rgb[i + 2] ?? 0)) / 255;
  };
  const chromaAt = (x: number, y: number): [number, number] => {
    let cb = 0;
    let cr = 0;
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
      const i = ((y + dy) * width + x + dx) * 3;
      const [r, g, b] = [rgb[i] ?? 0, rgb[i + 1] ?? 0, rgb[i + 2] ?? 0];
      cb += 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255;
      cr += 128 + (112 * r - 93.786 * g - 18.214 * b) / 255;
    }
    return [cb / 4, cr / 4];
  };
  const clip = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

  const slices: Buffer[] = [];
  for (let addr = 0; addr < ctbs; addr++) {
    const x0 = (addr % ctbCols) * CTB;
    const y0 = Math.floor(addr / ctbCols) * CTB;
    const y = new Uint8Array(CTB * CTB);
    const cb = new Uint8Array((CTB / 2) ** 2);
    const cr = new Uint8Array((CTB / 2) ** 2);
    for (let j = 0; j < CTB; j++) for (let i = 0; i < CTB; i++) y[j * CTB + i] = clip(yAt(x0 + i, y0 + j));
    for (let j = 0; j < CTB / 2; j++) {
      for (let i = 0; i < CTB / 2; i++) {
        const [b, r] = chromaAt(x0 + 2 * i, y0 + 2 * j);
        cb[j * (CTB / 2) + i] = clip(b);
        cr[j * (CTB / 2) + i] = clip(r);
      }
    }
    slices.push(slice(addr, addressBits, y, cb, cr));
  }
  const data = Buffer.concat(slices.flatMap((s) => [u32(s.length), s]));

  const ftyp = box("ftyp", Buffer.from("heic", "latin1"), u32(0), Buffer.from("mif1heic", "latin1"));
  const meta = (dataOffset: number): Buffer =>
    fullBox(
      "meta",
      0,
      0,
      fullBox("hdlr", 0, 0, u32(0), Buffer.from("pict", "latin1"), u32(0), u32(0), u32(0), u8(0)),
      fullBox("pitm", 0, 0, u16(1)),
      fullBox("iloc", 0, 0, u8(0x44), u8(0x00), u16(1), u16(1), u16(0), u16(1), u32(dataOffset), u32(data.length)),
      fullBox("iinf", 0, 0, u16(1), fullBox("infe", 2, 0, u16(1), u16(0), Buffer.from("hvc1", "latin1"), u8(0))),
      box(
        "iprp",
        box("ipco", hvcC([[32, vps()], [33, sps(width, height)], [34, pps()]]), fullBox("ispe", 0, 0, u32(width), u32(height))),
        fullBox("ipma", 0, 0, u32(1), u16(1), u8(2), u8(0x81), u8(0x02)),
      ),
    );
  // The iloc offset is absolute: measure the boxes before mdat once, then write them for real.
  const offset = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(offset), box("mdat", data)]);
}
