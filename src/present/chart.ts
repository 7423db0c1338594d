// Charts as PNG: bars for places (a ranking), a line for years (a series). Drawn with @napi-rs/canvas in Noto Sans
// SC, a CJK font `npm install` brings (@expo-google-fonts/noto-sans-sc), so Chinese labels never depend on the
// fonts a server happens to have.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type SKRSContext2D, createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { Ranking, Series } from '../check/rank.js';

const FAMILY = 'Noto Sans SC';
const WIDTH = 1000;
const HEIGHT = 600;
const COLORS = { bar: '#2f6fb0', top: '#c8462d', result: '#2f6fb0', target: '#d98c1f', axis: '#444', grid: '#ddd', text: '#222', muted: '#777' };

let fontReady = false;
/** Register the font once; its file comes with the npm package. */
function font(): void {
  if (fontReady) return;
  const pkg = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json');
  for (const [dir, file] of [['400Regular', 'NotoSansSC_400Regular.ttf'], ['700Bold', 'NotoSansSC_700Bold.ttf']] as const) {
    if (!GlobalFonts.registerFromPath(join(dirname(pkg), dir, file), FAMILY)) {
      throw new Error(`could not load the chart font ${dir}/${file}: run npm install (it brings @expo-google-fonts/noto-sans-sc)`);
    }
  }
  fontReady = true;
}

const px = (size: number, bold = false) => `${bold ? 'bold ' : ''}${size}px "${FAMILY}"`;

/** The canvas with a white background, the title and the footnote. */
function frame(title: string, footnote: string | null) {
  font();
  const canvas = createCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  ctx.fillStyle = COLORS.text;
  ctx.font = px(30, true);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(title, 40, 24, WIDTH - 80);
  if (footnote) {
    ctx.font = px(18);
    ctx.fillStyle = COLORS.muted;
    ctx.fillText(footnote, 40, HEIGHT - 34, WIDTH - 80);
  }
  return { canvas, ctx };
}

const PLOT = { left: 90, right: WIDTH - 40, top: 110, bottom: HEIGHT - 110 };

/** A horizontal grid with value labels from 0 to a round maximum; returns the y of a value. */
function axis(ctx: SKRSContext2D, max: number, min = 0): (v: number) => number {
  const span = max - min || 1;
  const step = niceStep(span / 4);
  const top = Math.ceil(max / step) * step;
  const bottom = Math.min(0, Math.floor(min / step) * step);
  const y = (v: number) => PLOT.bottom - ((v - bottom) / (top - bottom || 1)) * (PLOT.bottom - PLOT.top);
  ctx.font = px(16);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = bottom; v <= top + step / 2; v += step) {
    ctx.strokeStyle = COLORS.grid;
    ctx.beginPath();
    ctx.moveTo(PLOT.left, y(v));
    ctx.lineTo(PLOT.right, y(v));
    ctx.stroke();
    ctx.fillStyle = COLORS.muted;
    ctx.fillText(String(Number(v.toFixed(2))), PLOT.left - 10, y(v));
  }
  ctx.strokeStyle = COLORS.axis;
  ctx.beginPath();
  ctx.moveTo(PLOT.left, PLOT.bottom);
  ctx.lineTo(PLOT.right, PLOT.bottom);
  ctx.stroke();
  return y;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/**
 * Bars, one per place (its year under the name), the value above each; the first in the ranking stands out. Places
 * the report gives only for another year or period follow, in the target colour, labelled with their period.
 */
export function rankingChart(r: Ranking): Buffer {
  const title = `${r.indicator}（${r.unit.unit || '数值'}）· ${r.period === 'target' ? '目标' : '结果'}`;
  const note = r.unranked.length > 0 ? '橙色柱：报告只给出其他年份或目标，未参与排名' : r.mixedYears ? '各地最新年份不同，每个地方取其最新一年' : '数据来自已收录的政府工作报告';
  const { canvas, ctx } = frame(title, note);
  const bars = [...r.rows, ...r.unranked];
  const values = bars.map((x) => x.value / r.unit.scale);
  const y = axis(ctx, Math.max(...values, 0), Math.min(...values, 0));
  const slot = (PLOT.right - PLOT.left) / Math.max(1, bars.length);
  const width = Math.min(120, slot * 0.6);
  bars.forEach((row, i) => {
    const cx = PLOT.left + slot * (i + 0.5);
    const v = values[i]!;
    const ranked = i < r.rows.length;
    ctx.fillStyle = !ranked ? COLORS.target : i === 0 ? COLORS.top : COLORS.bar;
    ctx.fillRect(cx - width / 2, Math.min(y(v), y(0)), width, Math.abs(y(0) - y(v)));
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.font = px(20, true);
    ctx.fillText(row.shown, cx, Math.min(y(v), y(0)) - 6, slot - 8);
    ctx.textBaseline = 'top';
    ctx.font = px(20);
    ctx.fillText(row.place ?? '地方不明', cx, PLOT.bottom + 10, slot - 8);
    ctx.font = px(16);
    ctx.fillStyle = COLORS.muted;
    const when = row.year === null ? '' : `${row.year}年`;
    ctx.fillText(ranked || row.period === r.period ? when : `${when}${row.period === 'target' ? '目标' : '结果'}`, cx, PLOT.bottom + 38, slot - 8);
  });
  return canvas.toBuffer('image/png');
}

/** A line over the years for results and one for targets; missing years are gaps, named under the axis. */
export function seriesChart(s: Series): Buffer {
  const title = `${s.place} · ${s.indicator}（${s.unit.unit || '数值'}）`;
  const note = s.missing.length > 0 ? `报告中没有的年份：${s.missing.map((y) => `${y}年`).join('、')}` : '数据来自已收录的政府工作报告';
  const { canvas, ctx } = frame(title, note);
  const all = s.rows.flatMap((r) => [r.result, r.target]).filter((x) => x !== null).map((x) => x.value / s.unit.scale);
  const y = axis(ctx, Math.max(...all, 0), Math.min(...all, 0));
  const slot = (PLOT.right - PLOT.left) / Math.max(1, s.rows.length);
  const x = (i: number) => PLOT.left + slot * (i + 0.5);
  ctx.textAlign = 'center';
  s.rows.forEach((r, i) => {
    ctx.textBaseline = 'top';
    ctx.font = px(18);
    ctx.fillStyle = r.result || r.target ? COLORS.text : COLORS.muted;
    ctx.fillText(`${r.year}年`, x(i), PLOT.bottom + 10);
  });
  for (const [key, color, label] of [['result', COLORS.result, '结果'], ['target', COLORS.target, '目标']] as const) {
    const points = s.rows.map((r, i) => ({ i, row: r[key] })).filter((p) => p.row !== null);
    if (points.length === 0) continue;
    ctx.strokeStyle = color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    points.forEach((p, k) => {
      const py = y(p.row!.value / s.unit.scale);
      // A missing year between two points breaks the line.
      if (k === 0 || p.i !== points[k - 1]!.i + 1) ctx.moveTo(x(p.i), py);
      else ctx.lineTo(x(p.i), py);
    });
    ctx.stroke();
    ctx.lineWidth = 1;
    for (const p of points) {
      const py = y(p.row!.value / s.unit.scale);
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(x(p.i), py, 7, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = COLORS.text;
      ctx.font = px(20, true);
      ctx.textBaseline = 'bottom';
      ctx.fillText(`${label} ${p.row!.shown}`, x(p.i), py - 10, slot - 4);
    }
  }
  return canvas.toBuffer('image/png');
}

/** Width and height of a PNG, read from its header (tests and the CLI's message). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
