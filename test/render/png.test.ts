import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderPng, renderSvg, svgToPng } from '../../src/render/index.js';

const barSpec = JSON.parse(readFileSync(new URL('../fixtures/render/bar.vl.json', import.meta.url), 'utf8')) as object;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Decoded {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  rgba: Uint8Array;
}

/** A minimal PNG reader for what resvg writes: 8-bit RGBA, not interlaced. */
function decodePng(png: Uint8Array): Decoded {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  expect([...buf.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect({ bitDepth: data[8], colorType: data[9], interlace: data[12] }).toEqual({
        bitDepth: 8,
        colorType: 6,
        interlace: 0,
      });
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  expect(raw.length).toBe(height * (stride + 1));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? rgba[row + i - 4]! : 0;
      const b = y > 0 ? rgba[row - stride + i]! : 0;
      const c = i >= 4 && y > 0 ? rgba[row - stride + i - 4]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a),
            pb = Math.abs(p - b),
            pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter}`);
      }
      rgba[row + i] = (src[i]! + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

function pixel(img: Decoded, x: number, y: number): number[] {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  return [...img.rgba.subarray(i, i + 4)];
}

function svgSize(svg: string): { width: number; height: number } {
  return {
    width: Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]),
    height: Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]),
  };
}

/** Where the plot's origin sits in the SVG, and the first bar's rectangle relative to it. */
function firstBar(svg: string): { x: number; y: number; w: number; h: number } {
  const [, tx, ty] = /<g [^>]*transform="translate\(([\d.]+),([\d.]+)\)"/.exec(svg)!;
  const group = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)![1]!;
  const [, x, y, w, h] = /d="M([\d.]+),([\d.]+)h([\d.]+)v([\d.]+)/.exec(group)!;
  return { x: Number(tx) + Number(x), y: Number(ty) + Number(y), w: Number(w), h: Number(h) };
}

describe('renderPng', () => {
  it('writes a PNG whose IHDR size equals the returned size and the SVG size', async () => {
    const svg = await renderSvg(barSpec);
    const size = svgSize(svg);
    const out = await renderPng(barSpec);
    expect(out.png).toBeInstanceOf(Uint8Array);
    expect([...out.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const ihdr = Buffer.from(out.png.buffer, out.png.byteOffset, out.png.byteLength);
    expect(ihdr.toString('latin1', 12, 16)).toBe('IHDR');
    expect({ width: ihdr.readUInt32BE(16), height: ihdr.readUInt32BE(20) }).toEqual({
      width: out.width,
      height: out.height,
    });
    expect({ width: out.width, height: out.height }).toEqual(size);
  });

  it.each([2, 0.5])('scales the image by %d', async (scale) => {
    const size = svgSize(await renderSvg(barSpec));
    const out = await renderPng(barSpec, { scale });
    const img = decodePng(out.png);
    expect({ width: img.width, height: img.height }).toEqual({ width: out.width, height: out.height });
    expect(out.width).toBe(Math.round(size.width * scale));
    expect(out.height).toBe(Math.round(size.height * scale));
  });

  it('paints the bars in the default mark colour on a white background', async () => {
    const svg = await renderSvg(barSpec);
    const bar = firstBar(svg);
    const img = decodePng((await svgToPng(svg, { scale: 2 })).png);
    expect(pixel(img, 2 * (bar.x + bar.w / 2), 2 * (bar.y + bar.h / 2))).toEqual([0x4c, 0x78, 0xa8, 255]);
    expect(pixel(img, 1, 1)).toEqual([255, 255, 255, 255]);
  });

  it('draws text with a system font (the title row has dark pixels)', async () => {
    const svg = await renderSvg(barSpec);
    const img = decodePng((await svgToPng(svg)).png);
    // The title is drawn above the plot area, which starts at the root group's y translation.
    const top = Number(/<g [^>]*transform="translate\([\d.]+,([\d.]+)\)"/.exec(svg)![1]);
    let dark = 0;
    for (let y = 0; y < top; y++) {
      for (let x = 0; x < img.width; x++) {
        const [r, g, b] = pixel(img, x, y);
        if (r! < 100 && g! < 100 && b! < 100) dark++;
      }
    }
    expect(dark, 'no title glyphs: is fonts-dejavu-core installed? run scripts/setup.sh').toBeGreaterThan(50);
  });

  it('rejects a bad scale before rendering', async () => {
    await expect(renderPng(barSpec, { scale: 0 })).rejects.toThrow(RangeError);
    await expect(renderPng(barSpec, { scale: Number.NaN })).rejects.toThrow(/scale must be/);
    await expect(svgToPng('<svg/>', { scale: -1 })).rejects.toThrow(RangeError);
  });
});
