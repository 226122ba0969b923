// `medad doctor`: which compute backend runs and why the faster ones were skipped, versions, detectors.
import { backendCapabilities, describeBackend, initBackend, LADDER } from '../../compute/index.js';
import { listDetectors } from '../../detectors/index.js';
import { decodingThreadPoolSize } from '../../io/threadpool.js';
import type { ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';

export async function doctor(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const report = await initBackend({ prefer: (args.flags.backend as 'auto' | undefined) ?? 'auto' });
  const capabilities = backendCapabilities(report.backend);
  const detectors = listDetectors().map((d) => ({ name: d.name, description: d.description, requires: d.requires }));
  // The pool that decodes images (src/io/threadpool.ts): sized when the process started, so only reported here.
  const uv = process.env.UV_THREADPOOL_SIZE;
  const decodeThreads = uv
    ? { threads: Number(uv), source: 'UV_THREADPOOL_SIZE' }
    : { threads: 4, source: `Node's default; the medad bin would use ${decodingThreadPoolSize()}` };
  if (ctx.json) {
    ctx.emit({ ok: true, ...report, capabilities, decodeThreads, detectors });
    return 0;
  }
  const lines = [`Backend: ${describeBackend(report)}`, '', 'Ladder:'];
  for (const rung of LADDER) {
    const mark = rung === report.backend ? 'USED   ' : report.reasons[rung] ? 'skipped' : 'not tried';
    lines.push(`  ${rung.padEnd(11)} ${mark}${report.reasons[rung] ? `  ${report.reasons[rung]}` : ''}`.trimEnd());
  }
  if (report.adapter) lines.push('', `GPU adapter: ${report.adapter}`);
  lines.push('', `Image decoding: ${decodeThreads.threads} threads (${decodeThreads.source})`);
  lines.push('', 'Capabilities:', ...Object.entries(capabilities).map(([k, v]) => `  ${k}: ${String(v)}`));
  lines.push('', 'Versions:', ...Object.entries(report.versions).map(([k, v]) => `  ${k} ${v}`));
  if (report.notes.length) lines.push('', 'Notes:', ...report.notes.map((n) => `  ${n}`));
  lines.push('', 'Detectors:', ...detectors.map((d) => `  ${d.name.padEnd(10)} ${d.description}`));
  ctx.say(lines.join('\n'));
  return 0;
}
