// Editor-agnostic check: Neovim's built-in LSP client (headless) starts the daemon, opens a config and
// receives its diagnostics. The Lua script writes what it got to a file this test reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { daemonCommand, repoRoot, tempWorkspace } from './helpers.js';

const lua = (cmd: string[], root: string, file: string, out: string) => `
local done = false
local id = vim.lsp.start_client({
  cmd = ${JSON.stringify(cmd).replace(/^\[/, '{').replace(/\]$/, '}')},
  cmd_cwd = ${JSON.stringify(repoRoot)},
  root_dir = ${JSON.stringify(root)},
  init_options = { noBackend = true, diagnosticsDelayMs = 20 },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, result)
      local f = io.open(${JSON.stringify(out)}, 'w')
      f:write(vim.fn.json_encode(result))
      f:close()
      done = true
    end,
  },
})
vim.cmd('edit ' .. ${JSON.stringify(file)})
vim.lsp.buf_attach_client(0, id)
vim.wait(60000, function() return done end, 50)
vim.lsp.stop_client(id)
vim.wait(5000, function() return vim.lsp.client_is_stopped(id) end, 50)
vim.cmd('qa!')
`;

describe('neovim', () => {
  it('gets diagnostics from the daemon through its built-in LSP client', () => {
    const ws = tempWorkspace();
    const file = path.join(ws, 'ds.medad.yaml');
    writeFileSync(file, 'medad: dataset\nversion: 2\nsources: []\n');
    const out = path.join(ws, 'diags.json');
    const script = path.join(ws, 'init.lua');
    writeFileSync(script, lua(daemonCommand, ws, file, out));
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-c', `luafile ${script}`], { timeout: 90_000, encoding: 'utf8' });
    // nvim comes from Debian's neovim, which `npm test` installs (tools/setup/system-deps.sh)
    expect(r.error, `nvim could not start (${String(r.error)}): run bash tools/setup/system-deps.sh`).toBeUndefined();
    expect(existsSync(out), `nvim: ${r.stderr}`).toBe(true);
    const got = JSON.parse(readFileSync(out, 'utf8')) as { uri: string; diagnostics: { range: { start: { line: number } }; message: string }[] };
    expect(got.uri).toBe(`file://${file}`);
    const lines = got.diagnostics.map((x) => x.range.start.line).sort();
    expect(lines).toEqual([1, 2]);
    expect(got.diagnostics.find((x) => x.range.start.line === 1)?.message).toMatch(/version/);
  });
});
